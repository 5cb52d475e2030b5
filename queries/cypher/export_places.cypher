// name: export_places
// params: none
// row: id, name, kind, parent_id, grid_id, households, tags, established,
//      dissolved — one place, as places.csv holds it
MATCH (place:Place)
OPTIONAL MATCH (place)-[:PART_OF]->(parent:Place)
OPTIONAL MATCH (place)-[:IN_GRID]->(grid:Grid)
RETURN place.id AS id, place.name AS name, place.kind AS kind, parent.id AS parent_id,
       grid.id AS grid_id, place.households AS households, place.tags AS tags,
       place.established AS established, place.dissolved AS dissolved
ORDER BY id
