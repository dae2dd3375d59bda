{#
    Nothing resolved is left without a customer: every current record has an id.

    In the daily pipeline it reads only the records whose row was written
    since the last completed day (C360_BUILD_CHECKED_THROUGH, as in
    rows_to_check_for_repeats). The records change only by deleting rows and
    by writing rows stamped with the run (built_at), and an assignment is only
    ever replaced by a newer one for the same record, never removed: a record
    with an older row had an id at the first check after it was written, and
    has one still. Run by hand, every record is read.
#}
{%- set checked_through = customer360.utc_time_from_env('C360_BUILD_CHECKED_THROUGH') if execute else none %}

with

records as (

    select * from {{ ref('int_identity_records_unioned') }}
    {% if checked_through is not none -%}
        where built_at >= {{ checked_through }}
    {%- endif %}

),

assignments as (

    select * from {{ ref('int_identity_customer_ids_assigned') }}

)

select records.record_key
from records
left outer join assignments
    on records.record_key = assignments.record_key
where assignments.record_key is null
