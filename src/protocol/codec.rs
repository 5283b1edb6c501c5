//! DynamicValue codec: msgpack in and out, JSON in, with null and unknown everywhere.
//!
//! Values are decoded into model structs whose fields are tf-provider's
//! [`Value`](tf_provider::value::Value) (known, null or unknown). Numbers keep the exact
//! encoding Terraform sent ([`Number`]), because a plan must echo configured values
//! bit for bit: `181/60` arrives as a 512-bit decimal string and must go back as one.

use std::marker::PhantomData;

use serde::de::{self, Deserializer, IntoDeserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use tf_provider::value::Value;

use super::tfplugin6::DynamicValue;

/// Why a DynamicValue could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct CodecError(pub String);

impl std::fmt::Display for CodecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes a value Terraform sent. An absent DynamicValue or an empty one is null, which
/// the caller's type must accept (e.g. `Value<T>` or `Option<T>`).
pub fn decode<T: serde::de::DeserializeOwned>(dv: Option<&DynamicValue>) -> Result<T, CodecError> {
    const NIL: [u8; 1] = [0xc0];
    match dv {
        Some(dv) if !dv.msgpack.is_empty() => rmp_serde::from_slice(&dv.msgpack)
            .map_err(|e| CodecError(format!("malformed msgpack value: {e}"))),
        Some(dv) if !dv.json.is_empty() => decode_json(&dv.json),
        _ => rmp_serde::from_slice(&NIL)
            .map_err(|e| CodecError(format!("unexpected null value: {e}"))),
    }
}

/// Decodes a value Terraform sent as a [`Value`]: known, null or unknown, read in one
/// pass ([`TfValue`]). What the adapters use for every state, plan and configuration.
pub fn decode_value<T: serde::de::DeserializeOwned>(
    dv: Option<&DynamicValue>,
) -> Result<Value<T>, CodecError> {
    decode::<TfValue<T>>(dv).map(|v| v.0)
}

/// Decodes JSON (stored state handed to UpgradeResourceState, or a JSON DynamicValue)
/// keeping every number exactly as written: Terraform writes `181/60` into state with all
/// its digits, and a plan must compare equal to it. Numbers that are not integers become
/// [`Number::Decimal`] with their original text.
pub fn decode_json<T: serde::de::DeserializeOwned>(json: &[u8]) -> Result<T, CodecError> {
    let raw: Box<serde_json::value::RawValue> =
        serde_json::from_slice(json).map_err(|e| CodecError(format!("malformed JSON: {e}")))?;
    let tree = JsonTree::from_raw(&raw, 0)?;
    let msgpack =
        rmp_serde::to_vec_named(&tree).map_err(|e| CodecError(format!("malformed JSON: {e}")))?;
    rmp_serde::from_slice(&msgpack).map_err(|e| CodecError(format!("malformed JSON value: {e}")))
}

/// JSON with numbers kept as [`Number`]s, re-encoded as msgpack to reuse one decoder.
enum JsonTree {
    Null,
    Bool(bool),
    Num(Number),
    Str(String),
    Arr(Vec<JsonTree>),
    Obj(Vec<(String, JsonTree)>),
}

/// Deeper documents than this are refused rather than risk the stack.
const MAX_JSON_DEPTH: usize = 64;

impl JsonTree {
    fn from_raw(raw: &serde_json::value::RawValue, depth: usize) -> Result<JsonTree, CodecError> {
        if depth > MAX_JSON_DEPTH {
            return Err(CodecError("JSON nested too deeply".into()));
        }
        let text = raw.get().trim();
        let bad = |e: serde_json::Error| CodecError(format!("malformed JSON: {e}"));
        Ok(match text.as_bytes().first() {
            Some(b'{') => {
                let map: std::collections::BTreeMap<String, Box<serde_json::value::RawValue>> =
                    serde_json::from_str(text).map_err(bad)?;
                let mut out = Vec::with_capacity(map.len());
                for (k, v) in map {
                    out.push((k, JsonTree::from_raw(&v, depth + 1)?));
                }
                JsonTree::Obj(out)
            }
            Some(b'[') => {
                let items: Vec<Box<serde_json::value::RawValue>> =
                    serde_json::from_str(text).map_err(bad)?;
                JsonTree::Arr(
                    items
                        .iter()
                        .map(|v| JsonTree::from_raw(v, depth + 1))
                        .collect::<Result<_, _>>()?,
                )
            }
            Some(b'"') => JsonTree::Str(serde_json::from_str(text).map_err(bad)?),
            Some(b't') | Some(b'f') => JsonTree::Bool(serde_json::from_str(text).map_err(bad)?),
            Some(b'n') => JsonTree::Null,
            _ => JsonTree::Num(Number::from_json_text(text)?),
        })
    }
}

impl Serialize for JsonTree {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            JsonTree::Null => s.serialize_unit(),
            JsonTree::Bool(b) => s.serialize_bool(*b),
            JsonTree::Num(n) => n.serialize(s),
            JsonTree::Str(v) => s.serialize_str(v),
            JsonTree::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            JsonTree::Obj(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// A [`Value`] read in one pass, for models' fields and whole values. tf-provider's own
/// `Deserialize` for `Value` is `#[serde(untagged)]`: it copies the value (an object
/// with all its keys) into a buffer and tries each variant in turn, formatting an error
/// for every miss - most of the cost of decoding a configuration. This reads the msgpack
/// marker once: nil is null, any extension is unknown (cty's unknown, refined or not),
/// anything else is handed to `T` as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct TfValue<T>(pub Value<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for TfValue<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TfValueVisitor(PhantomData))
    }
}

struct TfValueVisitor<T>(PhantomData<T>);

impl<T> TfValueVisitor<T> {
    fn known<'de, D: Deserializer<'de>>(d: D) -> Result<TfValue<T>, D::Error>
    where
        T: Deserialize<'de>,
    {
        T::deserialize(d).map(|v| TfValue(Value::Value(v)))
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for TfValueVisitor<T> {
    type Value = TfValue<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value, null or unknown")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(TfValue(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(TfValue(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Self::known(d)
    }
    /// rmp_serde hands every msgpack extension to `deserialize_any` as a newtype struct.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        de::IgnoredAny::deserialize(d)?;
        Ok(TfValue(Value::Unknown))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Self::known(v.into_deserializer())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::known(v.into_deserializer())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::known(v.into_deserializer())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Self::known(v.into_deserializer())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::known(v.into_deserializer())
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Self::known(de::value::BorrowedStrDeserializer::new(v))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Self::known(v.into_deserializer())
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        Self::known(de::value::BytesDeserializer::new(v))
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        Self::known(de::value::BorrowedBytesDeserializer::new(v))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Self::known(de::value::SeqAccessDeserializer::new(seq))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Self::known(de::value::MapAccessDeserializer::new(map))
    }
}

/// Encodes a value as msgpack with named map keys, the form Terraform expects.
pub fn encode<T: Serialize>(value: &T) -> Result<DynamicValue, CodecError> {
    let msgpack =
        rmp_serde::to_vec_named(value).map_err(|e| CodecError(format!("encoding a value: {e}")))?;
    Ok(DynamicValue {
        msgpack,
        json: Vec::new(),
    })
}

/// The msgpack encoding of null.
pub fn null() -> DynamicValue {
    DynamicValue {
        msgpack: vec![0xc0],
        json: Vec::new(),
    }
}

/// A number as Terraform encoded it: integer, float, or a decimal string for values that
/// neither represents exactly. `value` is the closest f64, for arithmetic.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
    Decimal(String, f64),
}

impl Number {
    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
            Number::Decimal(_, f) => *f,
        }
    }

    /// A JSON number's text: integers stay integers; anything else keeps its digits.
    pub fn from_json_text(text: &str) -> Result<Number, CodecError> {
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Number::Int(i));
        }
        Number::from_decimal_text(text)
            .ok_or_else(|| CodecError(format!("{text:?} is not a number")))
    }

    /// A decimal number's text, as Terraform sends numbers that neither an int64 nor a
    /// float64 holds exactly (`181/60`, `1e400`). Its f64 is the closest one, infinite for
    /// magnitudes beyond f64's range: the text keeps the real value for rules and messages.
    /// Only decimal notation is accepted (no `inf` or `NaN`, which Terraform never sends).
    pub fn from_decimal_text(text: &str) -> Option<Number> {
        let t = text.trim();
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        let decimal = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
            && digits.bytes().any(|b| b.is_ascii_digit())
            && digits
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
        if !decimal {
            return None;
        }
        let f: f64 = t.parse().ok()?;
        Some(Number::Decimal(t.to_string(), f))
    }

    /// Greater than zero, decided on the exact value: a decimal too small for f64
    /// (`1e-400`) is still positive.
    pub fn is_positive(&self) -> bool {
        match self {
            Number::Int(i) => *i > 0,
            Number::Float(f) => *f > 0.0,
            Number::Decimal(text, f) => {
                if *f != 0.0 {
                    return *f > 0.0;
                }
                let mantissa = text.split(['e', 'E']).next().unwrap_or("");
                !text.starts_with('-') && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b))
            }
        }
    }

    /// The text a person would recognise from their configuration. Decimals Terraform
    /// computed (`181/60` has 150 digits; `1e400` arrives as 401) are shortened to the
    /// closest f64, or to scientific notation when they are beyond f64's range.
    pub fn display(&self) -> String {
        const LONG: usize = 24;
        match self {
            Number::Int(i) => i.to_string(),
            Number::Float(f) => short_float(*f),
            Number::Decimal(s, _) if s.len() <= LONG => s.clone(),
            Number::Decimal(_, f) if f.is_finite() && *f != 0.0 => short_float(*f),
            Number::Decimal(s, _) => scientific(s),
        }
    }
}

/// Plain notation for everyday magnitudes, scientific beyond them (`1e300`, not 301 digits).
fn short_float(f: f64) -> String {
    if f != 0.0 && (f.abs() >= 1e16 || f.abs() < 1e-6) {
        format!("{f:e}")
    } else {
        format!("{f}")
    }
}

/// `1000…0` (401 digits) as `1e400`, `0.000…01` as `1e-400`: the leading digits and the
/// exponent of a decimal text, without going through f64.
fn scientific(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exp) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = format!("{int}{frac}");
    let Some(first) = all.find(|c: char| c != '0') else {
        return format!("{sign}0");
    };
    // Position of the first significant digit relative to the decimal point.
    let exponent = int.len() as i64 - 1 - first as i64 + exp;
    let sig = all[first..].trim_end_matches('0');
    let (lead, tail) = sig.split_at(1);
    let tail: String = tail.chars().take(5).collect();
    if tail.is_empty() {
        format!("{sign}{lead}e{exponent}")
    } else {
        format!("{sign}{lead}.{tail}e{exponent}")
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Number::Int(i) => s.serialize_i64(*i),
            Number::Float(f) => s.serialize_f64(*f),
            Number::Decimal(d, _) => s.serialize_str(d),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                i64::try_from(v)
                    .map(Number::Int)
                    .or_else(|_| Ok(Number::Decimal(v.to_string(), v as f64)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number::Float(v))
            }
            fn visit_f32<E: de::Error>(self, v: f32) -> Result<Number, E> {
                Ok(Number::Float(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
                Number::from_decimal_text(v)
                    .ok_or_else(|| E::custom(format!("{v:?} is not a number")))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tf_provider::value::Value;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Obj {
        n: Value<Number>,
        s: Value<String>,
        b: Value<bool>,
    }

    fn mp(v: &[u8]) -> DynamicValue {
        DynamicValue {
            msgpack: v.to_vec(),
            json: vec![],
        }
    }

    #[test]
    fn unknown_extension_any_type_is_unknown() {
        // cty's unknown: fixext1 type 0; refined unknowns use extension 12 with a payload.
        let v: Value<Number> = decode(Some(&mp(&[0xd4, 0x00, 0x00]))).unwrap();
        assert!(v.is_unknown());
        let v: Value<String> = decode(Some(&mp(&[0xd5, 0x0c, 0x81, 0x01]))).unwrap();
        assert!(v.is_unknown());
    }

    #[test]
    fn null_and_absent() {
        let v: Value<Obj> = decode(Some(&mp(&[0xc0]))).unwrap();
        assert!(v.is_null());
        let v: Value<Obj> = decode(None).unwrap();
        assert!(v.is_null());
    }

    #[test]
    fn numbers_keep_their_encoding() {
        for n in [
            Number::Int(168),
            Number::Float(0.25),
            Number::Decimal("3.0166666666666666666666666666667".into(), 181.0 / 60.0),
        ] {
            let dv = encode(&n).unwrap();
            let back: Number = decode(Some(&dv)).unwrap();
            assert_eq!(back, n);
        }
    }

    #[test]
    fn object_roundtrip_with_json_input() {
        let dv = DynamicValue {
            msgpack: vec![],
            json: br#"{"n": 1.5, "s": null, "b": true}"#.to_vec(),
        };
        let o: Obj = decode(Some(&dv)).unwrap();
        // JSON keeps the digits as written.
        assert_eq!(o.n, Value::Value(Number::Decimal("1.5".into(), 1.5)));
        assert!(o.s.is_null());
        let again: Obj = decode(Some(&encode(&o).unwrap())).unwrap();
        assert_eq!(again, o);
    }

    #[test]
    fn json_numbers_keep_their_digits() {
        #[derive(Deserialize)]
        struct S {
            a: Number,
            b: Number,
            c: Value<Number>,
            d: Vec<Number>,
        }
        let s: S = decode_json(
            br#"{"a": 168, "b": 3.0166666666666666666666666666667, "c": null, "d": [0.5]}"#,
        )
        .unwrap();
        assert_eq!(s.a, Number::Int(168));
        assert_eq!(
            s.b,
            Number::Decimal("3.0166666666666666666666666666667".into(), 181.0 / 60.0)
        );
        assert!(s.c.is_null());
        assert_eq!(s.d[0].as_f64(), 0.5);
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(decode_json::<serde_json::Value>(deep.as_bytes()).is_err());
    }

    #[test]
    fn wrong_types_are_errors_not_panics() {
        // A string where a bool belongs.
        let bad = encode(&serde_json::json!({"n": 1, "s": "x", "b": "yes"})).unwrap();
        assert!(decode::<Obj>(Some(&bad)).is_err());
        // Truncated msgpack.
        assert!(decode::<Obj>(Some(&mp(&[0x83, 0xa1]))).is_err());
        assert!(decode::<Number>(Some(&encode(&"abc").unwrap())).is_err());
        assert!(decode::<Number>(Some(&encode(&"NaN").unwrap())).is_err());
        assert!(decode::<Number>(Some(&encode(&"inf").unwrap())).is_err());
        assert!(decode::<Number>(Some(&encode(&"-infinity").unwrap())).is_err());
    }

    #[test]
    fn numbers_beyond_f64_keep_their_value() {
        // Terraform sends 1e400 as its 401 decimal digits.
        let huge = format!("1{}", "0".repeat(400));
        let n: Number = decode(Some(&encode(&huge).unwrap())).unwrap();
        assert_eq!(n.as_f64(), f64::INFINITY);
        assert!(n.is_positive());
        assert_eq!(n.display(), "1e400");
        let tiny = format!("0.{}1", "0".repeat(399));
        let n: Number = decode(Some(&encode(&tiny).unwrap())).unwrap();
        assert_eq!(n.as_f64(), 0.0);
        assert!(
            n.is_positive(),
            "1e-400 is positive even though its f64 is 0"
        );
        assert_eq!(n.display(), "1e-400");
        let n: Number = decode(Some(&encode(&format!("-{huge}")).unwrap())).unwrap();
        assert!(!n.is_positive());
        assert_eq!(n.display(), "-1e400");
        assert_eq!(
            Number::from_decimal_text("-0.000").map(|n| n.is_positive()),
            Some(false)
        );
        assert_eq!(scientific("12345678901234567890123456789"), "1.23456e28");
        assert_eq!(scientific("1.5e-3"), "1.5e-3");
        // 181/60 as Terraform computes it: shown as its closest f64.
        let third = Number::Decimal(format!("3.01{}67", "6".repeat(60)), 181.0 / 60.0);
        assert_eq!(third.display(), "3.0166666666666666");
    }

    /// Every msgpack shape a field can hold, each read as `TfValue<T>` and as
    /// tf-provider's untagged `Value<T>`: the one-pass reader must accept exactly what the
    /// untagged one accepts, as the same value, for each type a model holds.
    #[test]
    fn one_pass_reads_what_the_untagged_reader_reads() {
        let inputs: Vec<Vec<u8>> = vec![
            vec![0xc0],                                                 // nil
            vec![0xd4, 0x00, 0x00],                                     // unknown
            vec![0xd5, 0x0c, 0x81, 0x01],                               // refined unknown
            vec![0xc3],                                                 // true
            vec![0x2a],                                                 // 42
            vec![0xd0, 0x9c],                                           // -100
            vec![0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // u64::MAX
            vec![0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0],                   // 1.5
            vec![0xca, 0x3f, 0xc0, 0, 0],                               // 1.5 as f32
            vec![0xa3, b'1', b'.', b'5'],                               // "1.5"
            vec![0xa3, b'a', b'b', b'c'],                               // "abc"
            vec![0xc4, 0x01, 0x41],                                     // bin
            vec![0x91, 0x01],                                           // [1]
            vec![0x81, 0xa1, b'n', 0x01],                               // {n: 1}
        ];
        fn agree<T>(bytes: &[u8])
        where
            T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
        {
            let one_pass = decode_value::<T>(Some(&mp(bytes)));
            let untagged = decode::<Value<T>>(Some(&mp(bytes)));
            match (&one_pass, &untagged) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{bytes:02x?}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{bytes:02x?}: one pass {one_pass:?}, untagged {untagged:?}"),
            }
        }
        for bytes in &inputs {
            agree::<Number>(bytes);
            agree::<String>(bytes);
            agree::<bool>(bytes);
            agree::<Obj>(bytes);
        }
        // The control: the inputs hold each outcome for each type.
        let known = |f: fn(&[u8]) -> bool| inputs.iter().filter(|b| f(b)).count();
        assert_eq!(
            known(|b| matches!(decode_value::<Number>(Some(&mp(b))), Ok(Value::Value(_)))),
            6
        );
        assert_eq!(known(|b| decode_value::<Number>(Some(&mp(b))).is_err()), 5);
        assert_eq!(
            known(|b| matches!(decode_value::<String>(Some(&mp(b))), Ok(Value::Unknown))),
            2
        );
    }
}
