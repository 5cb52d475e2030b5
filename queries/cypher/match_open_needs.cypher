// name: match_open_needs
// zh: 待派单的需求 · en: Open needs, waiting for a resource
// params: $community_id (optional: needs raised in this community or below it)
// row: need_id — one need with status open, in id order
MATCH (need:Need {status: 'open'})
WHERE $community_id IS NULL
   OR EXISTS {
        (need)-[:RAISED_IN]->(:Place)-[:PART_OF*0..3]->(:Community {id: $community_id})
      }
RETURN need.id AS need_id
ORDER BY need_id
