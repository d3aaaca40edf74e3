//! The tensors of a Burn named-MessagePack record (`.mpk`), read without
//! loading them: each tensor's path in the module, shape, dtype and byte
//! length, so that weights can be checked against a model before Burn sees
//! them (Burn itself loads a tensor of swapped dimensions or half its bytes
//! silently, and fails much later, or never).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// One tensor of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorEntry {
    /// Its path in the module, e.g. `layers.0.weight`.
    pub path: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// Its element type as the record names it, e.g. `F32`.
    pub dtype: String,
    /// Length of its data in bytes.
    pub bytes: usize,
}

/// A MessagePack value with byte strings reduced to their length.
enum Node {
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    Bytes(usize),
    Text(String),
    Int(i128),
    Float,
    Other,
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a MessagePack value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(i128::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(i128::from(v)))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Float)
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Text(v.to_string()))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Node, E> {
        Ok(Node::Bytes(v.len()))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            let key = match k {
                Node::Text(s) => s,
                Node::Int(i) => i.to_string(),
                _ => return Err(de::Error::custom("a map key that is neither text nor an integer")),
            };
            entries.push((key, v));
        }
        Ok(Node::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// The dtype's name: a unit variant is a string; a variant with data a
/// one-entry map whose key is its name.
fn dtype_name(n: &Node) -> Option<String> {
    match n {
        Node::Text(s) => Some(s.clone()),
        Node::Map(m) if m.len() == 1 => Some(m[0].0.clone()),
        _ => None,
    }
}

fn shape_of(n: &Node) -> Option<Vec<usize>> {
    match n {
        Node::Seq(dims) => dims
            .iter()
            .map(|d| match d {
                Node::Int(i) => usize::try_from(*i).ok(),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Whether Burn 0.21 reads `id` as a parameter id: base32 (DNSSEC alphabet,
/// no padding, zero trailing bits) of at most 8 bytes, or a UUID. Its reader
/// panics on anything else (found by the weights_loader fuzz target), so
/// such a record is refused before Burn sees it.
pub(super) fn burn_reads_param_id(id: &str) -> bool {
    const BASE32: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
    let n = id.len();
    if matches!(n, 2 | 4 | 5 | 7 | 8 | 10 | 12 | 13) {
        let values: Option<Vec<usize>> = id.bytes().map(|c| BASE32.iter().position(|&a| a == c)).collect();
        if let Some(values) = values {
            let spare_bits = (n * 5) % 8;
            return values.last().is_some_and(|&last| last & ((1 << spare_bits) - 1) == 0);
        }
    }
    let hex = |s: &str| s.bytes().all(|c| c.is_ascii_hexdigit());
    let dashed = n == 36 && id.split('-').map(str::len).eq([8, 4, 4, 4, 12]) && hex(&id.replace('-', ""));
    dashed || (n == 32 && hex(id))
}

fn walk(node: &Node, path: &str, out: &mut Vec<TensorEntry>) -> Result<(), String> {
    let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match node {
        Node::Map(m) => {
            let field = |k: &str| m.iter().find(|(key, _)| key == k).map(|(_, v)| v);
            if let (Some(Node::Bytes(len)), Some(shape), Some(dtype)) = (field("bytes"), field("shape"), field("dtype"))
            {
                let shape = shape_of(shape).ok_or_else(|| format!("tensor `{path}` has a malformed shape"))?;
                let dtype = dtype_name(dtype).ok_or_else(|| format!("tensor `{path}` has a malformed dtype"))?;
                out.push(TensorEntry { path: path.to_string(), shape, dtype, bytes: *len });
                return Ok(());
            }
            if field("param").is_some() {
                match field("id") {
                    Some(Node::Text(id)) if burn_reads_param_id(id) => {}
                    _ => return Err(format!("parameter `{path}` has an id Burn cannot read")),
                }
            }
            for (k, v) in m {
                // A parameter is `{ id, param }`: its path is the field holding it.
                let p = if k == "param" { path.to_string() } else { join(k) };
                walk(v, &p, out)?;
            }
        }
        Node::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &join(&i.to_string()), out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Every tensor of the record in `mpk`, in file order.
pub fn tensor_entries(mpk: &[u8]) -> Result<Vec<TensorEntry>, String> {
    let root: Node = rmp_serde::from_slice(mpk).map_err(|e| format!("not a Burn named MessagePack record ({e})"))?;
    let item = match &root {
        Node::Map(m) => m.iter().find(|(k, _)| k == "item").map(|(_, v)| v),
        _ => None,
    }
    .ok_or("not a Burn named MessagePack record (no `item`)")?;
    let mut out = Vec::new();
    walk(item, "", &mut out)?;
    Ok(out)
}

/// Checks the tensors `found` in a file against those the model `expected`:
/// the same paths, and for each the same shape, dtype and byte length.
/// The error names the first tensor that differs.
pub fn check_tensors(expected: &[TensorEntry], found: &[TensorEntry]) -> Result<(), String> {
    for e in expected {
        let Some(f) = found.iter().find(|f| f.path == e.path) else {
            return Err(format!("tensor `{}` is missing (the model needs shape {:?} {})", e.path, e.shape, e.dtype));
        };
        if f.shape != e.shape {
            return Err(format!("tensor `{}` has shape {:?} but the model needs {:?}", e.path, f.shape, e.shape));
        }
        if f.dtype != e.dtype {
            return Err(format!("tensor `{}` is {} but the model needs {}", e.path, f.dtype, e.dtype));
        }
        if f.bytes != e.bytes {
            return Err(format!(
                "tensor `{}` holds {} bytes but its shape {:?} in {} needs {}",
                e.path, f.bytes, e.shape, e.dtype, e.bytes
            ));
        }
    }
    if let Some(extra) = found.iter().find(|f| !expected.iter().any(|e| e.path == f.path)) {
        return Err(format!("tensor `{}` is not part of this model", extra.path));
    }
    Ok(())
}
