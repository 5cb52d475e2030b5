// name: audit_scope
// params: $community_id (the community an audit is limited to, or null),
//      $street_id (the street an audit is limited to, or null)
// row: community_found, street_found — whether a :Community and a :Street with
//      those ids exist (true for a null id), so that a mistyped id is reported
//      instead of giving an empty audit
RETURN $community_id IS NULL OR EXISTS { MATCH (:Community {id: $community_id}) }
         AS community_found,
       $street_id IS NULL OR EXISTS { MATCH (:Street {id: $street_id}) } AS street_found
