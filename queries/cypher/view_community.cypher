// name: view_community
// params: $community_id (the community), $include_needs (true: add the open
//      needs raised in it), $as_of (date: the day shown; null = today)
// row: at most one (none when no :Community has the id): community_id,
//      community_name, street_id, nodes, relationships — the community's
//      organization tree (社区组织架构) as records of
//      visualize.model.from_records. nodes: the community, its residential
//      areas, grids, buildings and units; the party organizations that LEAD
//      any of them and the chain they REPORTS_TO up to the county committee
//      (with the street working committee and county committee that LEAD the
//      community's street and county); organizations BASED_IN those places,
//      property firms that MANAGE its areas, two-new organizations its party
//      organizations fall back for; facilities LOCATED_IN its places;
//      services that COVER its places or its street, or that a provider
//      based there offers without COVERS; projects that SERVE it, with the
//      providers and units behind them; the people who HOLD a post at any of
//      those; optionally its open needs. Each record carries the node's
//      properties (phone left out), labels, the community_id of places in
//      it and, for services, projects and needs, its category's names.
//      relationships: every outgoing relationship of those nodes ({source,
//      target, type} and its properties); those that leave the view are
//      dropped by the adapter. As of $as_of: only the places, party
//      organizations and organizations existing that day, the posts held that
//      day (and the people holding them), the needs raised by then.
MATCH (community:Community {id: $community_id})
OPTIONAL MATCH (community)-[:PART_OF]->(street:Street)
CALL (community) {
  MATCH (place:Place)-[:PART_OF*0..3]->(community)
  WHERE
    // include: alive_on(node=place)
  RETURN collect(DISTINCT place) AS places
}
CALL (places) {
  UNWIND places AS place
  MATCH (place)<-[:LEADS]-(party_org:PartyOrg)
  WHERE
    // include: alive_on(node=party_org)
  RETURN collect(DISTINCT party_org) AS party_orgs
}
CALL (community, party_orgs) {
  CALL (community, party_orgs) {
    MATCH (community)-[:PART_OF*1..2]->(:Place)<-[:LEADS]-(upper:PartyOrg)
    RETURN upper
    UNION
    UNWIND party_orgs AS party_org
    MATCH (party_org)-[:REPORTS_TO*1..4]->(upper:PartyOrg)
    RETURN upper
  }
  WITH upper
  WHERE
    // include: alive_on(node=upper)
  RETURN collect(DISTINCT upper) AS upper_orgs
}
CALL (places, party_orgs) {
  CALL (places, party_orgs) {
    UNWIND places AS place
    MATCH (place)<-[:BASED_IN|MANAGES]-(organization:Organization)
    RETURN organization
    UNION
    UNWIND party_orgs AS party_org
    MATCH (party_org)-[:FALLBACK_FOR]->(organization:Organization)
    RETURN organization
  }
  WITH organization
  WHERE
    // include: alive_on(node=organization)
  RETURN collect(DISTINCT organization) AS organizations
}
CALL (places) {
  UNWIND places AS place
  MATCH (place)<-[:LOCATED_IN]-(facility:Facility)
  RETURN collect(DISTINCT facility) AS facilities
}
CALL (community, street, places) {
  CALL (community, street, places) {
    UNWIND places AS place
    MATCH (place)<-[:COVERS]-(service:Service)
    RETURN service
    UNION
    MATCH (community)-[:PART_OF]->(:Street)<-[:COVERS]-(service:Service)
    RETURN service
    UNION
    UNWIND places AS place
    MATCH (place)<-[:BASED_IN|LEADS]-()-[:OFFERS]->(service:Service)
    WHERE NOT EXISTS { (service)-[:COVERS]->() }
    RETURN service
  }
  RETURN collect(DISTINCT service) AS services
}
CALL (community) {
  MATCH (community)<-[:SERVES]-(project:Project)
  RETURN collect(DISTINCT project) AS projects
}
CALL (services, projects) {
  CALL (services, projects) {
    UNWIND services AS service
    MATCH (service)<-[:OFFERS]-(provider)
    RETURN provider
    UNION
    UNWIND projects AS project
    MATCH (project)<-[:RUNS]-(provider)
    RETURN provider
  }
  WITH provider
  WHERE
    // include: alive_on(node=provider)
  RETURN collect(DISTINCT provider) AS providers
}
CALL (places) {
  UNWIND places AS place
  MATCH (place)<-[:RAISED_IN]-(need:Need)
  WHERE $include_needs AND need.status = 'open' AND need.raised_on <= $as_of
  RETURN collect(DISTINCT need) AS needs
}
WITH community, street, places, party_orgs + upper_orgs AS all_party_orgs,
     organizations + providers AS all_organizations, facilities, services, projects, needs
CALL (places, all_party_orgs, all_organizations) {
  UNWIND places + all_party_orgs + all_organizations AS target
  MATCH (target)<-[held:HOLDS]-(person:Person)
  WHERE
    // include: held_on(post=held)
  RETURN collect(DISTINCT person) AS people
}
WITH community, street, places,
     [place IN places | place {.*, labels: labels(place), community_id: community.id}]
       AS place_records,
     all_party_orgs + all_organizations + facilities + people AS others,
     services + projects + needs AS categorized
WITH community, street,
     place_records
       + [node IN others | node {.*, labels: labels(node), phone: null}]
       + [node IN categorized | node {.*, labels: labels(node), title: null,
           category: [(node)-[:IN_CATEGORY]->(category:Category)
                      | trim(coalesce(category.name_zh, category.name) + ' '
                        + coalesce(category.name_en, ''))][0]}]
       AS nodes,
     places + others + categorized AS members
CALL (members) {
  UNWIND members AS member
  WITH DISTINCT member
  MATCH (member)-[relationship]->(other)
  WHERE type(relationship) <> 'HOLDS'
     OR
     // include: held_on(post=relationship)
  RETURN collect(relationship {.*, source: member.id, target: other.id,
                                type: type(relationship)}) AS relationships
}
RETURN community.id AS community_id, community.name AS community_name,
       street.id AS street_id, nodes, relationships
