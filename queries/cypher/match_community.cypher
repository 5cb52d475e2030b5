// name: match_community
// zh: 按编号查社区 · en: A community by id
// params: $community_id (the id)
// row: community_id, name, street_id, county_id — the community (no row when
//      no :Community has that id)
MATCH (community:Community {id: $community_id})
OPTIONAL MATCH (community)-[:PART_OF]->(street:Street)
OPTIONAL MATCH (street)-[:PART_OF]->(county:County)
RETURN community.id AS community_id, community.name AS name, street.id AS street_id,
       county.id AS county_id
