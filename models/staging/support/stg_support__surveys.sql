with

base_surveys as (

    select * from {{ ref('base_support__surveys') }}

),

final as (

    select
        survey_id,
        ticket_id,
        order_id,
        product_id,
        account_id,
        email,
        email_as_given,
        survey_type,
        nps_group,
        comment,
        score,
        version_count,
        is_email_placeholder,
        has_invalid_email,
        is_comment_truncated,
        has_comment_formula,
        submitted_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_surveys
    where is_current_version

)

select * from final
