// name: change_find_nodes
// zh: 按编号找节点 · en: The element ids of nodes given by id, whatever their labels
// params: $node_ids (the ids)
// row: id, element_id, labels, properties — one node that has one of the ids
UNWIND $node_ids AS wanted
CALL (wanted) {
  // include: node_by_id(id=wanted)
}
RETURN wanted AS id, elementId(node) AS element_id, labels(node) AS labels,
       properties(node) AS properties
