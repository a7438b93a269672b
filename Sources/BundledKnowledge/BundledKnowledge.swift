/// The knowledge base shipped inside the binary: the text of every file under `knowledge/`, compiled in at build
/// time by the EmbedKnowledge plugin (the generated extension adds `files`).
package enum BundledKnowledge {}
