//! Integration tests of passgraph-cfn: templates from the AWS documentation, checked at the
//! model level and end to end through the graph, and a walk over the third-party corpora.

mod aws_doc;
mod corpus;
mod e2e;
mod findings;
mod holes;
mod support;
