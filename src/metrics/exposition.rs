//! The Prometheus text exposition format, version 0.0.4: `# HELP` and `# TYPE` once per
//! family, then one `name{label="value",…} number` line per series.

use std::fmt::{Display, Write as _};

/// A scrape's text, written family by family.
#[derive(Default)]
pub struct Exposition {
    text: String,
}

impl Exposition {
    /// Starts a family: its help text and its type (`counter`, `gauge`, `histogram`).
    pub fn family(&mut self, name: &str, help: &str, kind: &str) {
        let _ = writeln!(self.text, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.text, "# TYPE {name} {kind}");
    }

    /// One series of the current family.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Display) {
        self.text.push_str(name);
        if !labels.is_empty() {
            self.text.push('{');
            for (n, (label, value)) in labels.iter().enumerate() {
                if n > 0 {
                    self.text.push(',');
                }
                let _ = write!(self.text, "{label}=\"{}\"", escape_value(value));
            }
            self.text.push('}');
        }
        let _ = writeln!(self.text, " {value}");
    }

    pub fn into_text(self) -> String {
        self.text
    }
}

/// Label values escape backslash, double quote and line feed.
fn escape_value(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Help text escapes backslash and line feed.
fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_samples() {
        let mut out = Exposition::default();
        out.family("x_total", "Things.\nMore", "counter");
        out.sample("x_total", &[], 3);
        out.sample("x_total", &[("a", "q\"\\\n"), ("b", "2")], 0.5);
        assert_eq!(
            out.into_text(),
            "# HELP x_total Things.\\nMore\n# TYPE x_total counter\nx_total 3\n\
             x_total{a=\"q\\\"\\\\\\n\",b=\"2\"} 0.5\n"
        );
    }
}
