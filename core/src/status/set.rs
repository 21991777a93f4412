//! [`FactSet`]: the status's sets of facts (failure reasons, failed
//! operations), kept as a sorted vector without repeats.

use serde::{Deserialize, Serialize};

/// A set kept as a sorted vector without repeats. It plays the part of a
/// `BTreeSet` for the few facts a payment collects (a handful at most),
/// at a fraction of the browser module's size; it serializes as a sorted
/// array, as a `BTreeSet` does.
///
/// ```
/// use appswitch_core::status::FactSet;
///
/// let mut reasons = FactSet::new();
/// assert!(reasons.insert("b".to_string()));
/// assert!(reasons.insert("a".to_string()));
/// assert!(!reasons.insert("b".to_string()));
/// assert_eq!(reasons.iter().map(String::as_str).collect::<Vec<_>>(), ["a", "b"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct FactSet<T>(Vec<T>);

impl<T> Default for FactSet<T> {
    fn default() -> Self {
        FactSet(Vec::new())
    }
}

impl<T: Ord> FactSet<T> {
    /// An empty set.
    pub const fn new() -> Self {
        FactSet(Vec::new())
    }

    /// Adds `value`; `false` if it was there already. Adding in order is
    /// O(1); adding many values at once is [`extend`](Extend::extend)'s
    /// job (one sort, not one shift per value).
    pub fn insert(&mut self, value: T) -> bool {
        if self.0.last().is_none_or(|last| *last < value) {
            self.0.push(value);
            return true;
        }
        match self.0.binary_search(&value) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, value);
                true
            }
        }
    }

    /// Whether `value` is in the set.
    pub fn contains(&self, value: &T) -> bool {
        self.0.binary_search(value).is_ok()
    }

    /// Adds every value of `other`: one pass over both sorted vectors
    /// (O(n + m), and no sort in the browser module).
    pub fn union(&mut self, other: &FactSet<T>)
    where
        T: Clone,
    {
        if other.0.is_empty() {
            return;
        }
        let mine = core::mem::take(&mut self.0);
        let mut merged = Vec::with_capacity(mine.len() + other.0.len());
        let mut theirs = other.0.iter().peekable();
        for value in mine {
            while let Some(next) = theirs.next_if(|t| **t < value) {
                merged.push(next.clone());
            }
            if theirs.peek().is_some_and(|t| **t == value) {
                theirs.next();
            }
            merged.push(value);
        }
        merged.extend(theirs.cloned());
        self.0 = merged;
    }
}

impl<T> FactSet<T> {
    /// The values, in order.
    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// How many values the set holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values, in order, as a slice.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
}

impl<T: Ord> Extend<T> for FactSet<T> {
    /// Adds every value: appended, then sorted once and repeats dropped, so
    /// a payload with many entries costs O(n log n), as a `BTreeSet` would.
    fn extend<I: IntoIterator<Item = T>>(&mut self, values: I) {
        let before = self.0.len();
        self.0.extend(values);
        if self.0.len() > before {
            self.0.sort_unstable();
            self.0.dedup();
        }
    }
}

impl<T: Ord> FromIterator<T> for FactSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        let mut set = FactSet::new();
        set.extend(values);
        set
    }
}

impl<'a, T> IntoIterator for &'a FactSet<T> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> IntoIterator for FactSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'de, T: Ord + Deserialize<'de>> Deserialize<'de> for FactSet<T> {
    /// Reads an array in any order, dropping repeats.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<T>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::FactSet;

    #[test]
    fn keeps_order_and_drops_repeats() {
        let set: FactSet<u32> = [3, 1, 2, 3, 1].into_iter().collect();
        assert_eq!(set.as_slice(), [1, 2, 3]);
        assert!(set.contains(&2));
        assert!(!set.contains(&4));
        assert_eq!(set.len(), 3);
    }

    #[test]
    fn insert_and_extend_agree_with_a_btree_set() {
        let values = [5u32, 1, 9, 1, 7, 3, 9, 0, 5];
        let by_insert = values.iter().fold(FactSet::new(), |mut set, v| {
            set.insert(*v);
            set
        });
        let mut by_extend: FactSet<u32> = [4, 1].into_iter().collect();
        by_extend.extend(values);
        let btree: std::collections::BTreeSet<u32> = values.into_iter().collect();
        assert_eq!(
            by_insert.as_slice(),
            btree.iter().copied().collect::<Vec<_>>()
        );
        let mut with_four = btree.clone();
        with_four.insert(4);
        assert_eq!(
            by_extend.as_slice(),
            with_four.iter().copied().collect::<Vec<_>>()
        );
    }

    #[test]
    fn union_is_the_set_union() {
        let cases: [(&[u32], &[u32]); 5] = [
            (&[], &[]),
            (&[1, 3], &[]),
            (&[], &[2]),
            (&[1, 3, 5], &[0, 3, 4, 9]),
            (&[2, 4], &[1, 2, 3, 4, 5]),
        ];
        for (a, b) in cases {
            let mut set: FactSet<u32> = a.iter().copied().collect();
            set.union(&b.iter().copied().collect());
            let want: std::collections::BTreeSet<u32> = a.iter().chain(b).copied().collect();
            assert_eq!(
                set.as_slice(),
                want.into_iter().collect::<Vec<_>>(),
                "{a:?} | {b:?}"
            );
        }
    }

    #[test]
    fn reads_an_unsorted_array() {
        let set: FactSet<String> = serde_json::from_str(r#"["b","a","b"]"#).unwrap();
        assert_eq!(serde_json::to_string(&set).unwrap(), r#"["a","b"]"#);
    }
}
