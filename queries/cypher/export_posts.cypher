// name: export_posts
// params: none
// row: person_id, post, target_id, since, until — one post a person holds or held, as
//      posts.csv holds it
MATCH (person:Person)-[held:HOLDS]->(target)
RETURN person.id AS person_id, held.post AS post, target.id AS target_id,
       held.since AS since, held.until AS until
ORDER BY person_id, post, target_id
