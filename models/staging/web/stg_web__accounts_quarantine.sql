{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('web', 'accounts') }}

),

base_accounts as (

    select * from {{ ref('base_web__accounts') }}

),

final as (

    {#- The raw values exactly as delivered, so that the row can be inspected and repaired. -#}
    select
        'web' as source_name,
        'web_accounts' as table_name,
        base_accounts.account_id as record_id,
        base_accounts.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.account_id,
        source.email,
        source.phone,
        source.first_name,
        source.last_name,
        source.birth_date,
        source.gender,
        source.street_address,
        source.city,
        source.postal_code,
        source.country,
        source.preferred_language,
        source.marketing_opt_in,
        source.created_at,
        source.updated_at
    from source
    inner join base_accounts
        on
            source._batch_id = base_accounts._batch_id
            and source._row_number = base_accounts._row_number
    where
        base_accounts.quarantine_reason is not null
        and not base_accounts.is_exact_duplicate

)

select * from final
