// name: stats_labels
// params: none
// row: label, count — how many nodes carry each label, in the whole graph
MATCH (node)
UNWIND labels(node) AS label
RETURN label, count(*) AS count
ORDER BY label
