// name: export_posts
// params: none
// row: person_id, post, target_id, since — one post a person holds, as
//      posts.csv holds it
MATCH (person:Person)-[held:HOLDS]->(target)
RETURN person.id AS person_id, held.post AS post, target.id AS target_id,
       held.since AS since
ORDER BY person_id, post, target_id
