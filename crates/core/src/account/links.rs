//! How long one-time password links last: an invitation (the expert chooses their first
//! password) and a reset link issued by an admin.

use time::Duration;

use crate::Instant;

/// How long an invitation link stays valid.
pub const INVITE_VALID: Duration = Duration::days(7);
/// How long a password reset link stays valid.
pub const RESET_VALID: Duration = Duration::hours(24);

/// What a one-time link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    /// A new expert chooses their first password.
    Invite,
    /// An expert replaces a forgotten password.
    Reset,
}

impl LinkPurpose {
    /// When a link issued at `now` for this purpose expires.
    pub fn expires_at(self, now: Instant) -> Instant {
        now + match self {
            Self::Invite => INVITE_VALID,
            Self::Reset => RESET_VALID,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_reset_link_lasts_a_day_an_invitation_a_week() {
        let now = datetime!(2026-11-25 09:00 UTC);
        assert_eq!(
            LinkPurpose::Reset.expires_at(now),
            datetime!(2026-11-26 09:00 UTC)
        );
        assert_eq!(
            LinkPurpose::Invite.expires_at(now),
            datetime!(2026-12-02 09:00 UTC)
        );
    }
}
