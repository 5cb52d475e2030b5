// name: stale_need
// audit: G14 · severity: medium
// zh: 需求超期未办结 · en: Need unresolved past the deadline
// note: medium — an overdue need is a resident kept waiting (接诉即办 sets a
//      deadline); it is usually a follow-up, not a structural gap.
// params: $as_of (date; null = today), $sla_days (days allowed; null = 30),
//      $community_id (optional: one community only), $street_id (optional:
//      one street only)
// row: node_id, name, kind (need), community_id (of the place it was RAISED_IN),
//      detail — one need with status open or assigned raised more than
//      $sla_days days before $as_of (a need raised exactly $sla_days days
//      before is not yet late; one raised after $as_of is not counted)
WITH coalesce($as_of, date()) AS as_of, coalesce($sla_days, 30) AS sla_days
MATCH (need:Need)
WHERE need.status IN ['open', 'assigned']
  AND need.raised_on < as_of - duration({days: sla_days})
OPTIONAL MATCH (need)-[:RAISED_IN]->(place:Place)
WITH need, as_of, sla_days,
     [(place)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(place)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN need.id AS node_id, need.name AS name, 'need' AS kind, community_id,
       need.status + ' ' + toString(duration.inDays(need.raised_on, as_of).days)
         + ' days since ' + toString(need.raised_on) + ' (limit ' + toString(sla_days)
         + ' days)' AS detail
ORDER BY node_id
