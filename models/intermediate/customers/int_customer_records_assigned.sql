{#
    Every current identity record with the customer it belongs to: the one
    join of records and stable ids that the golden record, the customer
    profile and the bridge all start from. record_fingerprint covers what the
    golden record reads of a record (the match keys derived from these
    columns are left out), so a daily build can tell which customers changed.
#}
{%- set fingerprinted_columns = [
    'assignments.customer_id', 'assignments.customer_id_created_at', 'records.record_key',
    'records.account_id', 'records.email', 'records.provided_email_sha256', 'records.phone',
    'records.loyalty_card_number', 'records.social_handle', 'records.first_name', 'records.last_name',
    'records.street_address', 'records.city', 'records.postal_code', 'records.country_code',
    'records.gender', 'records.birth_date', 'records.observed_at',
] -%}

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
        records.*,
        {{ row_fingerprint(fingerprinted_columns) }} as record_fingerprint
    from records
    inner join assignments
        on records.record_key = assignments.record_key

)

select * from final
