// name: change_current
// zh: 节点的现状 · en: A node as it is now, with the relationships it has
// params: $node_id (the node's id)
// row: labels, properties, rels — the node's labels and properties, and
//      each relationship at either end as {type, start, end, properties};
//      no row when no node has the id
CALL () {
  // include: node_by_id(id=$node_id)
}
RETURN labels(node) AS labels, properties(node) AS properties,
       [(node)-[r]-(other) | {type: type(r), start: startNode(r).id,
        end: endNode(r).id, properties: properties(r)}] AS rels
