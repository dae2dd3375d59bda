{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('crm', 'contacts') }}

),

base_contacts as (

    select * from {{ ref('base_crm__contacts') }}

),

final as (

    {#- The raw values exactly as delivered, so that the row can be inspected and repaired. -#}
    select
        'crm' as source_name,
        'crm_contacts' as table_name,
        base_contacts.contact_id as record_id,
        base_contacts.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.contact_id,
        source.full_name,
        source.email,
        source.phone,
        source.company_name,
        source.job_title,
        source.city,
        source.country,
        source.lead_source,
        source.lifecycle_status,
        source.owner_name,
        source.created_at,
        source.updated_at
    from source
    inner join base_contacts
        on
            source._batch_id = base_contacts._batch_id
            and source._row_number = base_contacts._row_number
    where
        base_contacts.quarantine_reason is not null
        and not base_contacts.is_exact_duplicate

)

select * from final
