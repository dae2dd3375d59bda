{# Nothing resolved is left without a customer: every current record has an id. #}

with

records as (

    select * from {{ ref('int_identity_records_unioned') }}

),

assignments as (

    select * from {{ ref('int_identity_customer_ids_assigned') }}

)

select records.record_key
from records
left outer join assignments
    on records.record_key = assignments.record_key
where assignments.record_key is null
