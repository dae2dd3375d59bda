{#
    Every interaction type of the timeline has a row in the
    engagement_interaction_weights seed (0 included), so that a new kind of
    touch is weighed on purpose rather than left out of the preferred channel
    silently. A row returned names the missing type.
#}

with

interactions as (

    select * from {{ ref('fct_customer_interactions') }}

),

engagement_weights as (

    select * from {{ ref('engagement_interaction_weights') }}

),

interaction_types as (

    select distinct interaction_type
    from interactions

)

select interaction_types.interaction_type
from interaction_types
left outer join engagement_weights
    on interaction_types.interaction_type = engagement_weights.interaction_type
where engagement_weights.interaction_type is null
