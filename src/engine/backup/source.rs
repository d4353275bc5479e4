//! What a set is made of: a source's directory tree, walked; or a stream (see `Input`).

/// Where a set's content comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Input {
    /// The source's directory tree, walked.
    #[default]
    Tree,
}
