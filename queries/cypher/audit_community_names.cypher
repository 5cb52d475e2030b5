// name: audit_community_names
// params: none
// row: community_id, name — one :Community, for reports that print a
//      finding's community by name
MATCH (community:Community)
RETURN community.id AS community_id, community.name AS name
ORDER BY community_id
