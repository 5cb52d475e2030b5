// name: api_search
// zh: 按名称或编号搜索 · en: Nodes by a part of their name, or by id
// params: $index (the full-text index, graph.schema.SEARCH_INDEX), $query
//      (a Lucene query built from the user's text with every special
//      character escaped; null to skip the full-text index), $text (the
//      user's text: names must contain it, case aside; an exact id match is
//      found too), $label (only nodes with this label; null for any),
//      $scope_id (only nodes in this street or community, by the scope rule
//      of api_node; null for no scope), $hide_people (a viewer's search:
//      people are not found by their names, only by id and by the masked
//      form of their name), $masked_prefix and $masked_length (the masked
//      form asked for, e.g. 刘 and 3 for 刘**: people whose name has that
//      surname and length; null when the text is no masked form),
//      $offset, $limit (the page)
// row: total, items — one row: how many nodes match, and the page of them,
//      each {id, name, labels, score}: an exact id match first, then by
//      full-text score, name, id
CALL () {
  WITH $query AS query
  WHERE query IS NOT NULL
  CALL db.index.fulltext.queryNodes($index, query) YIELD node, score
  WHERE toLower(node.name) CONTAINS toLower($text)
    AND NOT ($hide_people AND node:Person)
  RETURN node, score
  UNION
  WITH $masked_prefix AS prefix
  WHERE prefix IS NOT NULL
  MATCH (node:Person)
  WHERE node.name STARTS WITH prefix AND size(node.name) = $masked_length
  RETURN node, 1.0 AS score
  UNION
  CALL () {
    // include: node_by_id(id=$text)
  }
  RETURN node, 1000.0 AS score
}
WITH node, max(score) AS score
WHERE $label IS NULL OR $label IN labels(node)
OPTIONAL MATCH (scope:Place {id: $scope_id})
WITH node, score, scope
WHERE
  // include: in_scope(node=node)
WITH node, score
ORDER BY score DESC, node.name, node.id
WITH collect({id: node.id, name: node.name, labels: labels(node), score: score}) AS rows
RETURN size(rows) AS total, rows[$offset..$offset + $limit] AS items
