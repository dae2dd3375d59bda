{#
    Every current identity record with the customer it belongs to: the one
    join of records and stable ids that the golden record, the customer
    profile and the bridge all start from.
#}

with

records as (

    select * from {{ ref('int_identity_records_unioned') }}

),

assignments as (

    select * from {{ ref('int_identity_customer_ids_assigned') }}

),

final as (

    select
        assignments.customer_id,
        assignments.customer_id_created_at,
        records.*
    from records
    inner join assignments
        on records.record_key = assignments.record_key

)

select * from final
