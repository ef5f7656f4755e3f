//! Outgoing e-mail: an SMTP relay in production, a folder of `.eml` files in tests and
//! development, or nothing. Sending blocks, so async callers run it on a blocking thread.

use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub enum MailTransport {
    /// Mail is not configured: nothing can be sent.
    #[default]
    Disabled,
    /// `smtp://user:pass@host:587` (STARTTLS) or `smtps://…` (TLS), as lettre reads it.
    Smtp(String),
    /// Every message is written as a file into this folder.
    Files(PathBuf),
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    pub from: String,
    pub transport: MailTransport,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            from: "tidings <digest@localhost>".into(),
            transport: MailTransport::Disabled,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail is not configured (set mail.smtp_url or mail.file_dir)")]
    Disabled,
    #[error("bad address {0:?}: {1}")]
    Address(String, String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("could not send: {0}")]
    Send(String),
}

/// One message: plain text always, HTML when given; `unsubscribe` adds List-Unsubscribe.
pub struct Outgoing<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub text: String,
    pub html: Option<String>,
    pub unsubscribe: Option<String>,
}

/// Whether `address` is an e-mail address lettre can send to.
pub fn valid_address(address: &str) -> bool {
    address.len() <= 254 && address.trim().parse::<Mailbox>().is_ok()
}

impl MailConfig {
    pub fn is_enabled(&self) -> bool {
        !matches!(self.transport, MailTransport::Disabled)
    }

    pub fn send(&self, m: &Outgoing<'_>) -> Result<(), MailError> {
        let from: Mailbox = self
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| {
                MailError::Address(self.from.clone(), e.to_string())
            })?;
        let to: Mailbox =
            m.to.trim()
                .parse()
                .map_err(|e: lettre::address::AddressError| {
                    MailError::Address(m.to.to_owned(), e.to_string())
                })?;
        let mut builder = Message::builder().from(from).to(to).subject(m.subject);
        if let Some(link) = &m.unsubscribe {
            builder = builder.header(ListUnsubscribe(format!("<{link}>")));
        }
        let message = match &m.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                m.text.clone(),
                html.clone(),
            )),
            None => builder.header(ContentType::TEXT_PLAIN).body(m.text.clone()),
        }
        .map_err(|e| MailError::Build(e.to_string()))?;
        match &self.transport {
            MailTransport::Disabled => Err(MailError::Disabled),
            MailTransport::Smtp(url) => SmtpTransport::from_url(url)
                .map_err(|e| MailError::Send(e.to_string()))?
                .build()
                .send(&message)
                .map(|_| ())
                .map_err(|e| MailError::Send(e.to_string())),
            MailTransport::Files(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| MailError::Send(format!("{}: {e}", dir.display())))?;
                FileTransport::new(dir)
                    .send(&message)
                    .map(|_| ())
                    .map_err(|e| MailError::Send(e.to_string()))
            }
        }
    }
}

/// The `List-Unsubscribe` header (RFC 2369), so mail clients offer a one-click way out.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl lettre::message::header::Header for ListUnsubscribe {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_written_by_the_file_transport() {
        let dir = std::env::temp_dir().join(format!("tidings-mail-{}", std::process::id()));
        let config = MailConfig {
            from: "tidings <digest@news.example>".into(),
            transport: MailTransport::Files(dir.clone()),
        };
        config
            .send(&Outgoing {
                to: "reader@example.org",
                subject: "Week 47",
                text: "Top stories".into(),
                html: Some("<p>Top stories</p>".into()),
                unsubscribe: Some("https://news.example/digest/unsubscribe?token=abc".into()),
            })
            .unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(files.len(), 1);
        let eml = std::fs::read_to_string(files[0].path()).unwrap();
        assert!(
            eml.contains("List-Unsubscribe: <https://news.example/digest/unsubscribe?token=abc>")
        );
        assert!(eml.contains("Subject: Week 47"));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!valid_address("not an address"));
        assert!(valid_address("a@b.example"));
        assert!(matches!(
            MailConfig::default().send(&Outgoing {
                to: "a@b.example",
                subject: "",
                text: String::new(),
                html: None,
                unsubscribe: None
            }),
            Err(MailError::Disabled)
        ));
    }
}
