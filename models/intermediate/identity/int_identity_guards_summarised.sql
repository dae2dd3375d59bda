{#
    Every over-merge guard that fired, counted: which identifier values were
    kept out of matching, why, and how many records carried them.
#}

with

guarded_identifiers as (

    select * from {{ ref('int_identity_identifiers_guarded') }}

),

final as (

    select
        identifier_type,
        guard_reason,
        count(*) as identifier_value_count,
        sum(linked_records) as record_count,
        max(linked_records) as largest_record_count
    from guarded_identifiers
    where guard_reason is not null
    group by identifier_type, guard_reason

)

select * from final
