//! Letters as people read them from a file or a log: the development transports write each
//! quoted-printable part as plain 8-bit text, so a link copied out of an `.eml` file works.
//!
//! lettre encodes any line of 76 characters or more as quoted-printable, which breaks a long
//! link with soft line breaks (`=` at the end of a line). Mail programs undo that, but a person
//! copying the link from the raw file gets a broken one. Over SMTP the letter stays as lettre
//! encodes it.

/// `raw` (a formatted message) with its quoted-printable parts decoded and marked `8bit`.
pub fn readable(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw);
    let mut boundaries: Vec<String> = Vec::new();
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let mut in_headers = true;
    let mut decoding = false;
    let mut part_is_qp = false;
    let mut pending: Vec<u8> = Vec::new();
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        if is_boundary(bare, &boundaries) {
            out.append(&mut pending);
            out.extend_from_slice(line.as_bytes());
            (in_headers, decoding, part_is_qp) = (true, false, false);
            continue;
        }
        if in_headers {
            if let Some(boundary) = boundary_of(bare) {
                boundaries.push(boundary);
            }
            if bare.eq_ignore_ascii_case("Content-Transfer-Encoding: quoted-printable") {
                part_is_qp = true;
                out.extend_from_slice(b"Content-Transfer-Encoding: 8bit\r\n");
                continue;
            }
            if bare.is_empty() {
                (in_headers, decoding) = (false, part_is_qp);
            }
            out.extend_from_slice(line.as_bytes());
        } else if decoding {
            decode_line(bare, &mut pending);
        } else {
            out.extend_from_slice(line.as_bytes());
        }
    }
    out.append(&mut pending);
    out
}

/// Decodes one quoted-printable line into `out`: a trailing `=` joins it to the next line.
fn decode_line(line: &str, out: &mut Vec<u8>) {
    let (line, soft_break) = match line.strip_suffix('=') {
        Some(rest) => (rest, true),
        None => (line, false),
    };
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'=')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    if !soft_break {
        out.extend_from_slice(b"\r\n");
    }
}

fn is_boundary(line: &str, boundaries: &[String]) -> bool {
    line.strip_prefix("--").is_some_and(|rest| {
        let rest = rest.strip_suffix("--").unwrap_or(rest);
        boundaries.iter().any(|boundary| boundary == rest)
    })
}

/// The `boundary` parameter of a `Content-Type` header line, if it has one.
fn boundary_of(line: &str) -> Option<String> {
    let start = line.find("boundary=")? + "boundary=".len();
    let value = &line[start..];
    let value = value.split(';').next()?.trim();
    Some(value.trim_matches('"').to_owned())
}

#[cfg(test)]
mod tests {
    use lettre::Message;
    use lettre::message::MultiPart;

    use super::readable;

    #[test]
    fn a_long_link_survives_on_one_line_and_the_rest_is_unchanged() {
        let link = format!(
            "https://id.example.com/store/auth/signup?confirm={}",
            "x".repeat(43)
        );
        let text = format!("Hello Åsa,\n\n{link}\n\n-- \nid.example.com, 2026\n");
        let html = format!("<p>Hello Åsa, <a href=\"{link}\">confirm</a></p>");
        let message = Message::builder()
            .from("d <d@example.com>".parse().unwrap())
            .to("Åsa <asa@example.com>".parse().unwrap())
            .subject("Confirm")
            .multipart(MultiPart::alternative_plain_html(text, html))
            .unwrap()
            .formatted();
        let raw = String::from_utf8(message.clone()).unwrap();
        assert!(
            !raw.contains(&link),
            "lettre no longer wraps long lines: {raw}"
        );

        let shown = String::from_utf8(readable(&message)).unwrap();
        assert!(shown.contains(&format!("\r\n{link}\r\n")), "{shown}");
        assert!(shown.contains(&format!("<a href=\"{link}\">")), "{shown}");
        assert!(shown.contains("Hello Åsa,\r\n\r\n"), "{shown}");
        assert!(
            shown.contains("-- \r\n"),
            "the signature's space is kept: {shown}"
        );
        assert!(!shown.contains("quoted-printable"), "{shown}");
        assert_eq!(shown.matches("Content-Transfer-Encoding: 8bit").count(), 2);
        // Headers and boundaries are as lettre wrote them.
        let head = |s: &str| s.split("\r\n\r\n").next().unwrap().to_owned();
        assert_eq!(head(&shown), head(&raw));
        let boundaries = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|line| line.starts_with("--") && line.len() > 10)
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(boundaries(&shown).len(), 3);
        assert_eq!(boundaries(&shown), boundaries(&raw));
    }

    #[test]
    fn a_message_without_quoted_printable_is_left_alone() {
        let message = Message::builder()
            .from("d <d@example.com>".parse().unwrap())
            .to("a <a@example.com>".parse().unwrap())
            .subject("Hi")
            .body("short lines only\n".to_owned())
            .unwrap()
            .formatted();
        assert_eq!(readable(&message), message);
    }
}
