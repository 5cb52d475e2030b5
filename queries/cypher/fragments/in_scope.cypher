// fragment: in_scope
// args: {{node}} (the node to test)
// note: the scope rule, a predicate; `scope` must be bound first, by
//      OPTIONAL MATCH (scope:Place {id: $scope_id}). With no $scope_id every
//      node is in scope. Otherwise a node lies in the scope when one of its
//      places has the scope place in its PART_OF ancestry: a place is its own
//      place; a party org's is the place it LEADS, an organization's where it
//      is BASED_IN, a need's where it was RAISED_IN, a facility's where it is
//      LOCATED_IN, a person's the targets of their HOLDS and EMPLOYED_BY (an
//      organization target counts by its own place); a service's the places
//      it COVERS (its provider's when it lists none) and a project's the
//      community it SERVES — for these two an ancestor of the scope counts as
//      well, since they serve the scope. Categories are a shared taxonomy:
//      always in scope.
$scope_id IS NULL OR {{node}}:Category OR (scope IS NOT NULL AND (
  EXISTS {
    MATCH ({{node}})-[:HOLDS|EMPLOYED_BY|RAISED_IN|LOCATED_IN|COVERS|SERVES|LEADS|BASED_IN*0..2]->(place:Place)
    WHERE EXISTS { (place)-[:PART_OF*0..6]->(scope) }
       OR (({{node}}:Service OR {{node}}:Project) AND EXISTS { (scope)-[:PART_OF*1..6]->(place) })
  }
  OR ({{node}}:Service AND NOT EXISTS { ({{node}})-[:COVERS]->() } AND EXISTS {
    MATCH ({{node}})<-[:OFFERS]-()-[:BASED_IN|LEADS]->(place:Place)
    WHERE EXISTS { (place)-[:PART_OF*0..6]->(scope) }
       OR EXISTS { (scope)-[:PART_OF*1..6]->(place) }
  })
))
