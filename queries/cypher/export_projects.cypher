// name: export_projects
// params: none
// row: id, name, unit_id, community_id, category, capacity, status — one
//      co-building project, as projects.csv holds it
MATCH (project:Project)
OPTIONAL MATCH (unit:StationedUnit)-[:RUNS]->(project)
OPTIONAL MATCH (project)-[:SERVES]->(community:Community)
OPTIONAL MATCH (project)-[:IN_CATEGORY]->(category:Category)
RETURN project.id AS id, project.name AS name, unit.id AS unit_id,
       community.id AS community_id, category.id AS category,
       project.capacity AS capacity, project.status AS status
ORDER BY id
