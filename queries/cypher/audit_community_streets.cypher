// name: audit_community_streets
// params: none
// row: community_id, street_id — one :Community and the :Street it is PART_OF
//      (null when none), to place a saved finding in a street
MATCH (community:Community)
OPTIONAL MATCH (community)-[:PART_OF]->(street:Street)
RETURN community.id AS community_id, head(collect(street.id)) AS street_id
