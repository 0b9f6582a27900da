//! The suggested next step follows the visitor's presence at once: the `presence` frame an
//! expert receives carries the playbook's suggestion decided with that presence.

use ebb_core::ExpertStatus;

use crate::helpers::{id_of, per_backend};
use crate::presence::is_presence;
use crate::ws_client::{Ws, admin};

per_backend! {
    async fn a_presence_frame_carries_the_suggestion_decided_with_it(app, b) {
        let acme = app.brand("acme").await;
        let (_, ada) = app.expert(&acme, "ada", 2, ExpertStatus::Available).await;
        let boss = admin(&app, &acme, "boss").await;
        let visitor = app.visitor(&acme).await;
        let id = id_of(&app.start(&acme, &visitor, "hi", "m1").await);
        app.say(&ada, &id, "Hello! How can I help?").await;
        let mut ada_ws = Ws::session(&app, &ada).await;
        let mut boss_ws = Ws::session(&app, &boss).await;

        let widget = Ws::visitor(&app, &acme, &visitor).await;
        let online = ada_ws.until("online", is_presence(true)).await;
        assert_eq!(online["suggestions"][&id]["step"], "wait", "{b}: {online}");
        widget.close().await;
        let offline = ada_ws.until("offline", is_presence(false)).await;
        let pushed = &offline["suggestions"][&id];
        assert_eq!(pushed["step"], "announce_and_snooze", "{b}: {offline}");
        assert_eq!(pushed["reply"]["key"], "announce_snooze", "{b}: the brand's text goes with it");
        let (_, read) = app.get("/api/v1/expert/suggestions", &ada).await;
        assert_eq!(&read["suggestions"][&id], pushed, "{b}: the same as over HTTP");

        let admins = boss_ws.until("admin offline", is_presence(false)).await;
        assert!(admins.get("suggestions").is_none(), "{b}: admins get none: {admins}");
    }
}
