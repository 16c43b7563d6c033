//! Escapers by output context (rust-reference §4.5). Identifiers are validated in the IR,
//! never escaped; these only make text safe inside its literal or markup.

use std::fmt::{self, Write};

/// The body of a PHP single-quoted string: only `\` and `'` are special.
#[derive(Debug, Clone, Copy, Default)]
pub struct PhpSingleQuoted;

impl askama::filters::Escaper for PhpSingleQuoted {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        for c in string.chars() {
            match c {
                '\\' => dest.write_str("\\\\")?,
                '\'' => dest.write_str("\\'")?,
                c => dest.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// Text in a Smarty template that ends up as HTML: HTML-escaped, and Smarty's delimiters
/// turned into `{ldelim}`/`{rdelim}` so a value can never open a tag.
#[derive(Debug, Clone, Copy, Default)]
pub struct SmartyHtml;

impl askama::filters::Escaper for SmartyHtml {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        for c in string.chars() {
            match c {
                '&' => dest.write_str("&amp;")?,
                '<' => dest.write_str("&lt;")?,
                '>' => dest.write_str("&gt;")?,
                '"' => dest.write_str("&quot;")?,
                '\'' => dest.write_str("&#39;")?,
                '{' => dest.write_str("{ldelim}")?,
                '}' => dest.write_str("{rdelim}")?,
                c => dest.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// Text for a PHP `/* */` or `//` comment: comment terminators and `?>` are broken up.
pub fn php_comment(text: &str) -> String {
    text.replace("*/", "* /")
        .replace("?>", "? >")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::filters::Escaper;

    fn esc<E: Escaper>(e: E, s: &str) -> String {
        let mut out = String::new();
        e.write_escaped_str(&mut out, s).unwrap();
        out
    }

    #[test]
    fn php_single_quoted_escapes_backslash_and_quote_only() {
        assert_eq!(
            esc(PhpSingleQuoted, r"it's \ 10 $x {$y}"),
            r"it\'s \\ 10 $x {$y}"
        );
        assert_eq!(esc(PhpSingleQuoted, r"\'"), r"\\\'");
    }

    #[test]
    fn smarty_html_escapes_markup_and_delimiters() {
        assert_eq!(
            esc(SmartyHtml, "<b a=\"x\">{$LANG}</b>'&"),
            "&lt;b a=&quot;x&quot;&gt;{ldelim}$LANG{rdelim}&lt;/b&gt;&#39;&amp;"
        );
    }

    #[test]
    fn comments_cannot_be_closed_early() {
        assert_eq!(php_comment("a */ b ?> c\nd"), "a * / b ? > c d");
    }
}
