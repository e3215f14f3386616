//! Field-wise changes to a note in the Micropub update shape: replace, add or delete
//! a property's values.

use serde_json::{Map, Value};

use super::{PropertyError, valid_name};

/// One deletion of a patch: a whole property, or some of its values.
#[derive(Debug, Clone, PartialEq)]
pub enum Deletion {
    /// The whole property (`"delete": ["syndication"]`).
    Property(String),
    /// Only these values of it (`"delete": {"category": ["old"]}`).
    Values(String, Vec<Value>),
}

/// Field-wise changes to a note, in the Micropub update shape. Applied in the order
/// replace, add, delete; properties not named are left exactly as they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    /// Properties whose values become exactly these (none: the property goes).
    pub replace: Vec<(String, Vec<Value>)>,
    /// Values appended to a property (created when absent).
    pub add: Vec<(String, Vec<Value>)>,
    /// Whole properties or some of their values to remove.
    pub delete: Vec<Deletion>,
}

impl Patch {
    /// Reads `{"replace": {p: [..]}, "add": {p: [..]}, "delete": [p] | {p: [..]}}`
    /// (other keys, such as `action` and `url`, are the caller's).
    pub fn from_micropub(body: &Value) -> Result<Self, PropertyError> {
        let mut patch = Patch::default();
        for (key, list) in [("replace", &mut patch.replace), ("add", &mut patch.add)] {
            match body.get(key) {
                None => {}
                Some(Value::Object(m)) => {
                    for (name, values) in m {
                        list.push((name_of(name)?, array_of(name, values)?));
                    }
                }
                Some(_) => return Err(PropertyError::NotAnObject),
            }
        }
        match body.get("delete") {
            None => {}
            Some(Value::Array(names)) => {
                for n in names {
                    let Some(name) = n.as_str() else {
                        return Err(PropertyError::BadName(n.to_string()));
                    };
                    patch.delete.push(Deletion::Property(name_of(name)?));
                }
            }
            Some(Value::Object(m)) => {
                for (name, values) in m {
                    patch
                        .delete
                        .push(Deletion::Values(name_of(name)?, array_of(name, values)?));
                }
            }
            Some(_) => return Err(PropertyError::NotAnArray("delete".into())),
        }
        Ok(patch)
    }

    /// Adds a replacement of `name` by `values` (an empty list removes the property).
    pub fn replace(mut self, name: &str, values: Vec<Value>) -> Self {
        self.replace.push((name.to_string(), values));
        self
    }

    /// Names every property the patch touches.
    pub fn touches(&self, name: &str) -> bool {
        self.replace.iter().any(|(n, _)| n == name)
            || self.add.iter().any(|(n, _)| n == name)
            || self.delete.iter().any(|d| match d {
                Deletion::Property(n) | Deletion::Values(n, _) => n == name,
            })
    }

    /// Applies the changes to a note's full property set.
    pub fn apply(&self, map: &mut Map<String, Value>) {
        for (name, values) in &self.replace {
            if values.is_empty() {
                map.remove(name);
            } else {
                map.insert(name.clone(), Value::Array(values.clone()));
            }
        }
        for (name, values) in &self.add {
            let entry = map
                .entry(name.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = entry {
                list.extend(values.iter().cloned());
            } else {
                *entry = Value::Array(values.clone());
            }
        }
        for d in &self.delete {
            match d {
                Deletion::Property(name) => {
                    map.remove(name);
                }
                Deletion::Values(name, values) => {
                    if let Some(Value::Array(list)) = map.get_mut(name) {
                        list.retain(|v| !values.iter().any(|d| names_value(d, v)));
                        if list.is_empty() {
                            map.remove(name);
                        }
                    }
                }
            }
        }
    }
}

/// Whether deleting `d` removes `v`: the same value, or a URL naming a structured
/// value (`{"value": url, "alt": …}`), as a client deleting a captioned photo by its
/// URL means.
fn names_value(d: &Value, v: &Value) -> bool {
    d == v || (d.is_string() && v.get("value") == Some(d))
}

fn name_of(name: &str) -> Result<String, PropertyError> {
    if valid_name(name) {
        Ok(name.to_string())
    } else {
        Err(PropertyError::BadName(name.to_string()))
    }
}

fn array_of(name: &str, values: &Value) -> Result<Vec<Value>, PropertyError> {
    values
        .as_array()
        .cloned()
        .ok_or_else(|| PropertyError::NotAnArray(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn micropub_update_shape() {
        let patch = Patch::from_micropub(&json!({
            "action": "update",
            "replace": {"content": ["new"]},
            "add": {"category": ["b"], "syndication": ["https://s.example/1"]},
            "delete": {"category": ["a"]}
        }))
        .unwrap();
        let mut map = json!({"content": ["old"], "category": ["a"], "like-of": ["u"]})
            .as_object()
            .cloned()
            .unwrap();
        patch.apply(&mut map);
        assert_eq!(
            Value::Object(map),
            json!({"content": ["new"], "category": ["b"], "like-of": ["u"],
                   "syndication": ["https://s.example/1"]})
        );
        let whole = Patch::from_micropub(&json!({"delete": ["like-of"]})).unwrap();
        let mut map = json!({"like-of": ["u"], "name": ["n"]})
            .as_object()
            .cloned()
            .unwrap();
        whole.apply(&mut map);
        assert_eq!(Value::Object(map), json!({"name": ["n"]}));
    }

    #[test]
    fn a_url_deletes_its_structured_value() {
        let patch =
            Patch::from_micropub(&json!({"delete": {"photo": ["https://a.example/1.jpg"]}}))
                .unwrap();
        let mut map = json!({"photo": [{"value": "https://a.example/1.jpg", "alt": "one"},
                                       "https://a.example/2.jpg"]})
        .as_object()
        .cloned()
        .unwrap();
        patch.apply(&mut map);
        assert_eq!(
            Value::Object(map),
            json!({"photo": ["https://a.example/2.jpg"]})
        );
    }

    #[test]
    fn non_arrays_are_refused() {
        assert!(Patch::from_micropub(&json!({"replace": {"content": "x"}})).is_err());
        assert!(Patch::from_micropub(&json!({"delete": "content"})).is_err());
        assert!(Patch::from_micropub(&json!({"replace": ["content"]})).is_err());
    }
}
