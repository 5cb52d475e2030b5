// name: export_services
// params: none
// row: id, name, provider_id, category, capacity, covers — one service, as
//      services.csv holds it (covers sorted)
MATCH (service:Service)
OPTIONAL MATCH (provider)-[:OFFERS]->(service)
OPTIONAL MATCH (service)-[:IN_CATEGORY]->(category:Category)
CALL (service) {
  OPTIONAL MATCH (service)-[:COVERS]->(place:Place)
  WITH place ORDER BY place.id
  RETURN collect(place.id) AS covers
}
RETURN service.id AS id, service.name AS name, provider.id AS provider_id,
       category.id AS category, service.capacity AS capacity, covers
ORDER BY id
