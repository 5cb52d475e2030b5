// name: view_node
// params: $node_id (a node's id: ids are unique across the whole graph)
// row: at most one: element_id (the database's own id of the node, for the
//      expansion queries), record (the node as a record of
//      visualize.model.from_records: its properties, phone left out, its
//      labels and, for services, projects and needs, its category's names)
CALL () {
  // include: node_by_id(id=$node_id)
}
RETURN elementId(node) AS element_id,
       // include: view_record(node=node)
       AS record
LIMIT 1
