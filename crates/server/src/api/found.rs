//! The brand-scoped rows handlers load before acting, each as the row itself or the 404
//! problem when the brand has no such row (another brand's id is not found either).

use ebb_core::{Brand, BrandId, Expert, ExpertId};
use ebb_store::{Handle, brands, experts};

use crate::ApiError;

/// The brand `id`.
pub(crate) async fn brand(h: &mut impl Handle, id: BrandId) -> Result<Brand, ApiError> {
    brands::by_id(h, id)
        .await?
        .ok_or(ApiError::NotFound("brand"))
}

/// The expert `id` of `brand`.
pub(crate) async fn expert(
    h: &mut impl Handle,
    brand: BrandId,
    id: ExpertId,
) -> Result<Expert, ApiError> {
    experts::by_id(h, brand, id)
        .await?
        .ok_or(ApiError::NotFound("expert"))
}
