// name: api_scope_place
// zh: 授权范围的地点 · en: The place a token's scope names
// params: $place_id (the id)
// row: id, name, kind — the street or community with that id; no row when
//      no :Street or :Community has it
MATCH (place:Place {id: $place_id})
WHERE place:Street OR place:Community
RETURN place.id AS id, place.name AS name, place.kind AS kind
