use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::*;

fn read(text: &str) -> Result<Value, JsonError> {
    from_str::<Value>(text)
}

#[test]
fn reads_every_kind_of_value() {
    let text = r#" {"a": [1, -2, 3.5, 1e3, true, false, null], "b": {"c": "d\n\u00e5\ud83d\ude00"}, "e": 18446744073709551615, "f": -9223372036854775808} "#;
    let lite = read(text).unwrap();
    let reference: Value = serde_json::from_str(text).unwrap();
    assert_eq!(lite, reference);
    assert_eq!(lite["b"]["c"], "d\nå😀");
    assert_eq!(lite["e"], u64::MAX);
    assert_eq!(lite["f"], i64::MIN);
}

#[test]
fn refuses_what_is_not_json_and_says_where() {
    for (text, at, needle) in [
        ("", 0, "expected a JSON value, found the end of the text"),
        ("{", 1, "expected a key"),
        (r#"{"a" 1}"#, 5, "expected `:`"),
        ("[1 2]", 3, "expected `,` or `]`"),
        ("[1,]", 3, "expected a JSON value"),
        (r#""abc"#, 4, "ends inside a string"),
        ("\"a\u{1}\"", 2, "control character"),
        (r#""\x""#, 3, "unknown escape"),
        (r#""\ud800""#, 7, "lone surrogate"),
        (r#""\u12""#, 5, "four hex digits"),
        ("01", 2, "not a JSON number"),
        ("1.", 2, "not a JSON number"),
        ("-", 1, "not a JSON number"),
        ("1e", 2, "not a JSON number"),
        ("[777720e5555]", 1, "number out of range"),
        ("-1e309", 0, "number out of range"),
        (
            "tru",
            0,
            "expected a boolean, found a character that starts no JSON value",
        ),
        ("{} x", 3, "text after the JSON value"),
    ] {
        let e = read(text).unwrap_err();
        assert!(e.message.contains(needle), "{text:?}: {e}");
        assert_eq!(e.at, at, "{text:?}: {e}");
    }
}

#[test]
fn refuses_nesting_deeper_than_serde_json_does() {
    let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
    assert!(read(&ok).is_ok());
    assert!(serde_json::from_str::<Value>(&ok).is_ok());
    let deep = format!(
        "{}{}",
        "[".repeat(MAX_NESTING + 1),
        "]".repeat(MAX_NESTING + 1)
    );
    assert!(
        read(&deep)
            .unwrap_err()
            .message
            .contains("more than 127 levels deep")
    );
    assert!(serde_json::from_str::<Value>(&deep).is_err());
    // Skipped values count too.
    #[derive(Debug, Deserialize)]
    struct Empty {}
    let skipped = format!(r#"{{"x":{}{}}}"#, "[".repeat(10_000), "]".repeat(10_000));
    assert!(from_str::<Empty>(&skipped).is_err());
}

#[test]
fn numbers_with_a_fraction_are_exact_where_amounts_are() {
    for text in [
        "330.07",
        "4500.00",
        "0.1",
        "96.25",
        "10.0736",
        "1e22",
        "123456789012.345",
        "-0.5",
        "0.000001",
    ] {
        let lite = read(text).unwrap();
        let reference: Value = serde_json::from_str(text).unwrap();
        assert_eq!(lite, reference, "{text}");
    }
    // Beyond that, close.
    for text in [
        "1.7976931348623157e308",
        "5e-300",
        "123456789012345678901234567890",
    ] {
        let lite = read(text).unwrap().as_f64().unwrap();
        let reference: f64 = serde_json::from_str(text).unwrap();
        assert!(
            ((lite - reference) / reference).abs() < 1e-12,
            "{text}: {lite} / {reference}"
        );
    }
    // Too large for any f64: refused, as serde_json refuses it (found by
    // the json_text fuzz target).
    assert!(
        read("1e400").is_err(),
        "an infinite number is no JSON number"
    );
    assert!(serde_json::from_str::<Value>("1e400").is_err());
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sample {
    order_id: String,
    amount: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    kind: Kind,
    tags: Vec<String>,
    nested: Option<Box<Sample>>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Web,
    App,
}

#[test]
fn reads_and_writes_serde_types_like_serde_json() {
    let s = Sample {
        order_id: "o-\"1\"\u{7}".into(),
        amount: u64::MAX,
        note: None,
        kind: Kind::App,
        tags: vec!["a".into(), "b\\".into()],
        nested: Some(Box::new(Sample {
            order_id: "inner".into(),
            amount: 0,
            note: Some("ø".into()),
            kind: Kind::Web,
            tags: vec![],
            nested: None,
        })),
    };
    let text = to_string(&s).unwrap();
    assert_eq!(text, serde_json::to_string(&s).unwrap());
    assert_eq!(from_str::<Sample>(&text).unwrap(), s);
    let e = from_str::<Sample>(r#"{"orderId":"o","amount":1,"kind":"tv","tags":[],"nested":null}"#)
        .unwrap_err();
    assert!(e.message.contains("unknown variant `tv`"), "{e}");
    let e = from_str::<Sample>(r#"{"orderId":"o","amount":-1}"#).unwrap_err();
    assert!(e.message.contains("invalid value: integer `-1`"), "{e}");
    let e = from_str::<Sample>(r#"{"orderId":"o","amount":1.5}"#).unwrap_err();
    assert_eq!(
        e.message,
        "invalid type: a number with a fraction, expected u64"
    );
    let e = from_str::<Sample>(r#"{"orderId":"o"}"#).unwrap_err();
    assert_eq!((e.message.as_str(), e.at), ("missing field `amount`", 15));
    let e = from_str::<Sample>("[]").unwrap_err();
    assert!(
        e.message.contains("expected an object, found an array"),
        "{e}"
    );
}

#[test]
fn a_visitor_that_takes_a_fixed_number_of_elements_gets_no_more() {
    let pair: ((u8, u8), String) = from_str(r#"[[1, 2], "x"]"#).unwrap();
    assert_eq!(pair, ((1, 2), "x".into()));
    let arr: [u8; 2] = from_str("[1, 2]").unwrap();
    assert_eq!(arr, [1, 2]);
    let e = from_str::<[u8; 2]>("[1, 2, 3]").unwrap_err();
    assert_eq!(
        (e.message.as_str(), e.at),
        ("the array has more elements than expected", 6)
    );
    assert!(serde_json::from_str::<[u8; 2]>("[1, 2, 3]").is_err());
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1_000_000_000i64..1_000_000_000, 0u32..3).prop_map(|(n, d)| {
            serde_json::from_str(&format!("{}", n as f64 / 10f64.powi(d as i32))).unwrap()
        }),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z\"\\\\]{0,4}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn agrees_with_serde_json_on_any_document(v in json_value()) {
        let compact = serde_json::to_string(&v).unwrap();
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        prop_assert_eq!(&read(&compact).unwrap(), &v);
        prop_assert_eq!(&read(&pretty).unwrap(), &v);
        prop_assert_eq!(to_string(&v).unwrap(), compact);
    }

    #[test]
    fn never_panics_and_agrees_on_what_is_json(s in "\\PC{0,40}") {
        let lite = read(&s);
        let reference = serde_json::from_str::<Value>(&s);
        prop_assert_eq!(lite.is_ok(), reference.is_ok(), "{:?}: {:?} / {:?}", s, lite, reference);
    }

    #[test]
    fn never_panics_on_json_like_text(s in "[\\[\\]{}\",:0-9.eE+\\-a-z\\\\ ]{0,40}") {
        let lite = read(&s);
        let reference = serde_json::from_str::<Value>(&s);
        prop_assert_eq!(lite.is_ok(), reference.is_ok(), "{:?}: {:?} / {:?}", s, lite, reference);
    }
}
