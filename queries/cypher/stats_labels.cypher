// name: stats_labels
// params: $as_of (date: the day counted; null = today)
// row: label, count — how many nodes carry each label, in the whole graph, on
//      $as_of: places, party organizations and organizations only while
//      they exist (established and not yet dissolved)
MATCH (node)
WHERE NOT (node:Place OR node:PartyOrg OR node:Organization)
   OR
   // include: alive_on(node=node)
UNWIND labels(node) AS label
RETURN label, count(*) AS count
ORDER BY label
