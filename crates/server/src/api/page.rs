//! Cursor pagination of every list endpoint: `?cursor=&limit=` in, `next_cursor` out
//! (`null` on the last page). Lists keep one stable order by (time, id), so walking the
//! pages returns every row exactly once even while rows are added.

use ebb_store::page::Cursor;
use serde::Deserialize;

use crate::ApiError;

/// Rows per page when `limit` is absent.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest `limit` accepted (larger values are lowered to it).
pub const MAX_LIMIT: u32 = 200;

/// `?cursor=...&limit=...` of a list.
#[derive(Deserialize, Default, Debug, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The previous page's `next_cursor` (absent: the first page).
    pub cursor: Option<String>,
    /// Rows per page: default 50, at most 200.
    pub limit: Option<u32>,
}

/// Which way a list runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Oldest first.
    Ascending,
    /// Newest first.
    Descending,
}

impl PageQuery {
    /// The effective page size.
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }

    /// How many rows to fetch: one more than the page, to know whether another follows.
    pub fn fetch(&self) -> u32 {
        self.limit() + 1
    }

    /// The cursor the page starts after.
    pub fn cursor(&self) -> Result<Option<Cursor>, ApiError> {
        self.cursor
            .as_deref()
            .map(|text| {
                Cursor::decode(text).ok_or_else(|| {
                    ApiError::BadRequest("cursor is not one this server handed out".into())
                })
            })
            .transpose()
    }

    /// Cuts `rows` (fetched with [`PageQuery::fetch`]) into the page and its next cursor.
    pub fn cut<T>(&self, mut rows: Vec<T>, key: impl Fn(&T) -> Cursor) -> (Vec<T>, Option<String>) {
        let limit = usize::try_from(self.limit()).unwrap_or(usize::MAX);
        if rows.len() <= limit {
            return (rows, None);
        }
        rows.truncate(limit);
        let next = rows.last().map(|row| key(row).encode());
        (rows, next)
    }

    /// Pages a whole list already sorted in `order` by `key`.
    pub fn slice<T>(
        &self,
        all: Vec<T>,
        order: Order,
        key: impl Fn(&T) -> Cursor,
    ) -> Result<(Vec<T>, Option<String>), ApiError> {
        let after = self.cursor()?;
        let fetch = usize::try_from(self.fetch()).unwrap_or(usize::MAX);
        let rows = all
            .into_iter()
            .filter(|row| match (after, order) {
                (None, _) => true,
                (Some(c), Order::Ascending) => key(row) > c,
                (Some(c), Order::Descending) => key(row) < c,
            })
            .take(fetch)
            .collect();
        Ok(self.cut(rows, key))
    }

    /// Pages a whole list by id, oldest (smallest v7 id) first.
    pub fn slice_by_id<T>(
        &self,
        mut all: Vec<T>,
        id: impl Fn(&T) -> uuid::Uuid,
    ) -> Result<(Vec<T>, Option<String>), ApiError> {
        all.sort_by_key(|row| id(row));
        self.slice(all, Order::Ascending, |row| Cursor::by_id(id(row)))
    }
}

/// Defines the JSON body of a list endpoint: one page of rows under the given field, and
/// `next_cursor`, built from a page and its cursor (as [`PageQuery::cut`] and
/// [`PageQuery::slice`] return them). Doc comments and `#[schema(..)]` attributes pass through.
macro_rules! page_body {
    ($(#[$meta:meta])* $vis:vis struct $name:ident {
        $(#[$field_meta:meta])* $field_vis:vis $field:ident: Vec<$row:ty> $(,)?
    }) => {
        #[derive(serde::Serialize, utoipa::ToSchema)]
        $(#[$meta])*
        $vis struct $name {
            $(#[$field_meta])*
            $field_vis $field: Vec<$row>,
            /// Pass as `cursor` to get the next page; `null` on the last page.
            $field_vis next_cursor: Option<String>,
        }

        impl From<(Vec<$row>, Option<String>)> for $name {
            fn from(($field, next_cursor): (Vec<$row>, Option<String>)) -> Self {
                Self { $field, next_cursor }
            }
        }
    };
}
pub(crate) use page_body;

#[cfg(test)]
mod tests {
    use super::{Order, PageQuery};
    use ebb_store::page::Cursor;
    use uuid::Uuid;

    #[test]
    fn slices_walk_every_row_once_in_both_orders() {
        let ids: Vec<Uuid> = (0..7).map(|_| Uuid::now_v7()).collect();
        for order in [Order::Ascending, Order::Descending] {
            let mut all = ids.clone();
            if order == Order::Descending {
                all.reverse();
            }
            let mut seen = Vec::new();
            let mut cursor = None;
            loop {
                let q = PageQuery {
                    cursor: cursor.clone(),
                    limit: Some(3),
                };
                let (page, next) = q
                    .slice(all.clone(), order, |id| Cursor::by_id(*id))
                    .expect("page");
                assert!(page.len() <= 3);
                seen.extend(page);
                match next {
                    Some(n) => cursor = Some(n),
                    None => break,
                }
            }
            assert_eq!(seen, all, "{order:?}");
        }
    }

    #[test]
    fn limits_are_clamped_and_bad_cursors_refused() {
        assert_eq!(PageQuery::default().limit(), 50);
        let huge = PageQuery {
            cursor: Some("x".into()),
            limit: Some(10_000),
        };
        assert_eq!(huge.limit(), 200);
        assert!(huge.cursor().is_err());
    }
}
