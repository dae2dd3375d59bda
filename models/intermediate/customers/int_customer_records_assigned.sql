{#
    Every current identity record with the customer it belongs to: the one
    join of records and stable ids that the golden record, the customer
    profile and the bridge all start from.

    Only what those read is kept: the forms that exist for matching (email
    hashes, the address as given, name and postal-code keys) stay in the
    identity models. Writing them again here cost a third of this model's
    time (1,000,000 customers: 4.2 M records in 9.1 to 9.9 s with them, 6.4
    to 6.6 s without).

    Built by version (macros/incremental/rows_by_version.sql): a row stands
    while its record's row (built_at) and its customer id stand. A daily
    build deletes the others and joins only the records left without a row,
    instead of writing every record again.

    Each row carries record_hash, the row_hash of what the golden record reads
    of it: int_customer_fingerprints sums the stored hashes per customer
    instead of reading and hashing every record's columns each day. Every one
    of those columns comes with the record's row or its id, so a row whose
    hash would change is a row the daily build writes again.
#}
{%- set fingerprinted_columns = [
    'customer_id_created_at', 'record_key', 'source_table', 'source_record_id', 'account_id', 'email',
    'provided_email_sha256', 'phone', 'loyalty_card_number', 'social_handle', 'first_name', 'last_name',
    'street_address', 'city', 'postal_code', 'country_code', 'gender', 'birth_date', 'observed_at',
] -%}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_outdated_versions(
            ['record_key'],
            {
                'record_built_at': 'record_built_at',
                'customer_id': 'customer_id',
                'customer_id_created_at': 'customer_id_created_at',
            },
            assigned_record_versions(),
            changes=assigned_records_changed_since_built(),
            deletion_log_columns=['record_key', 'customer_id'],
        ) }}",
    )
}}

with

all_records as {{ not_materialized() }} (

    select * from {{ ref('int_identity_records_unioned') }}

),

records as (

    select *
    from all_records
    where {{ is_key_to_build(['record_key'], 'all_records', is_incremental()) }}

),

assignments as (

    select * from {{ ref('int_identity_customer_ids_assigned') }}

),

joined as (

    select
        assignments.customer_id,
        assignments.customer_id_created_at,
        records.record_key,
        records.source_table,
        records.source_record_id,
        records.account_id,
        records.email,
        records.provided_email_sha256,
        records.phone,
        records.loyalty_card_number,
        records.social_handle,
        records.first_name,
        records.last_name,
        records.street_address,
        records.city,
        records.postal_code,
        records.country_code,
        records.gender,
        records.birth_date,
        records.observed_at,
        records.built_at as record_built_at
    from records
    inner join assignments
        on records.record_key = assignments.record_key

),

final as (

    select
        joined.*,
        {{ row_hash(fingerprinted_columns) }} as record_hash,
        {{ run_started_at_second() }} as built_at
    from joined

)

select * from final
