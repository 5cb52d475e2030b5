// name: export_people
// params: none
// row: id, name, phone, party_member, employer_id — one person, as people.csv
//      holds it
MATCH (person:Person)
OPTIONAL MATCH (person)-[:EMPLOYED_BY]->(employer:Organization)
RETURN person.id AS id, person.name AS name, person.phone AS phone,
       person.party_member AS party_member, employer.id AS employer_id
ORDER BY id
