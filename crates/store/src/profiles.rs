//! Experts' public profiles: the display name and avatar visitors see.

use ebb_core::profile::{AvatarUrl, Profile};
use ebb_core::{BrandId, DisplayName, ExpertId};

use crate::{Handle, Result, StoreError, rows};

/// An expert's account name and public profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicProfile {
    /// The account name (what visitors see without a display name).
    pub name: String,
    /// The profile as entered.
    pub profile: Profile,
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    name: String,
    display_name: Option<String>,
    avatar_url: Option<String>,
}

row_into!(ProfileRow, PublicProfile, |r| {
    let corrupt = |what: &str| StoreError::Corrupt(format!("expert {what}"));
    let display_name = r
        .display_name
        .map(|n| DisplayName::parse(&n).map_err(|_| corrupt("display_name")))
        .transpose()?;
    let avatar_url = r
        .avatar_url
        .map(|u| AvatarUrl::parse(&u).map_err(|_| corrupt("avatar_url")))
        .transpose()?;
    Ok(Self {
        name: r.name,
        profile: Profile {
            display_name,
            avatar_url,
        },
    })
});

/// The profile of expert `id` of `brand`.
pub async fn get(
    h: &mut impl Handle,
    brand: BrandId,
    id: ExpertId,
) -> Result<Option<PublicProfile>> {
    let sql = "SELECT name, display_name, avatar_url FROM experts WHERE brand_id = $1 AND id = $2";
    rows::one::<ProfileRow, _>(h, sql, &[brand.0.into(), id.0.into()]).await
}

/// Replaces the profile of expert `id` of `brand`; `false` when there is no such expert.
pub async fn set(
    h: &mut impl Handle,
    brand: BrandId,
    id: ExpertId,
    profile: &Profile,
) -> Result<bool> {
    let sql =
        "UPDATE experts SET display_name = $3, avatar_url = $4 WHERE brand_id = $1 AND id = $2";
    let name = profile.display_name.as_ref().map(DisplayName::as_str);
    let avatar = profile.avatar_url.as_ref().map(AvatarUrl::as_str);
    let params = [brand.0.into(), id.0.into(), name.into(), avatar.into()];
    Ok(rows::execute(h, sql, &params).await? == 1)
}
