{#
    The edges of the identity graph. Records sharing a usable identifier value
    are linked in a star to the value's first record (not pairwise), so the
    edges grow with the records, not with their square; fuzzy matches add one
    edge per matching pair.
#}

with

identifiers as (

    select * from {{ ref('int_identity_identifiers_unpivoted') }}

),

guarded_identifiers as (

    select * from {{ ref('int_identity_identifiers_guarded') }}

),

fuzzy_pairs as (

    select * from {{ ref('int_identity_fuzzy_pairs_scored') }}

),

usable_identifiers as (

    select
        identifiers.record_key,
        identifiers.identifier_type,
        identifiers.identifier_value
    from identifiers
    inner join guarded_identifiers
        on
            identifiers.identifier_type = guarded_identifiers.identifier_type
            and identifiers.identifier_value = guarded_identifiers.identifier_value
    where guarded_identifiers.is_usable_for_matching

),

anchored as (

    select
        record_key,
        identifier_type,
        min(record_key) over (partition by identifier_type, identifier_value) as anchor_record_key
    from usable_identifiers

),

final as (

    select distinct
        record_key,
        anchor_record_key as linked_record_key,
        'exact' as link_kind,
        identifier_type as link_rule
    from anchored
    where record_key <> anchor_record_key
    union all
    select
        record_key,
        linked_record_key,
        'fuzzy' as link_kind,
        min(blocking_key) as link_rule
    from fuzzy_pairs
    where is_match
    group by record_key, linked_record_key

)

select * from final
