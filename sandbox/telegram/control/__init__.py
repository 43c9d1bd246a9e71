"""The control API of the Telegram emulator: act as users, read chats, steer the emulator.

JSON over HTTP under `/sandbox`. Errors are `{"error": "..."}` with a 4xx status. Every
user-side route takes an optional `?bot=<token | id | username>`; without it the only (or
first) bot is meant. Users are shared by all bots; chats are per bot. CORS is open, so the
sandbox page may call it from another origin. Sequence numbers (`seq`) come from one
emulator-wide counter bumped by every change of any chat; they never restart.

Users
    POST /sandbox/users                 {id?, first_name?, last_name?, username?,
                                         language_code?, phone_number?} -> user
                                        (creates, or updates the given fields; id is
                                         assigned from 100001 when omitted)
    GET  /sandbox/users                 -> [user]
    GET  /sandbox/users/{id}            -> user
    A user that acts without being defined is created as "User {id}".

Acting as a user (each answers {message_id, update_id, seq}; the first one "starts" the
bot; while the user has blocked the bot they answer 409)
    POST /sandbox/users/{id}/messages   {text}          "/start payload" is a command
    POST /sandbox/users/{id}/documents  {filename, mime_type?, data_base64, caption?}
                                        or multipart: file part "document", field caption
    POST /sandbox/users/{id}/photos     {data_base64, caption?} or multipart part "photo"
                                        (PNG, JPEG, GIF or WEBP)
    POST /sandbox/users/{id}/contacts   {phone_number, user_id?, first_name?, last_name?}
                                        user_id absent: the sender's own; null: none
    POST /sandbox/users/{id}/reply-button {text}  tap a button of the shown reply keyboard:
                                        sends its text, or the user's own contact for a
                                        request_contact button (needs phone_number)
    POST /sandbox/users/{id}/press      {message_id, text? , callback_data?, crafted?}
                                        -> {callback_query_id, update_id, data, seq}
                                        the button is found by text and/or callback_data;
                                        crafted=true sends callback_data as given
    POST /sandbox/users/{id}/block      -> {blocked, update_id, seq}  (my_chat_member)
    POST /sandbox/users/{id}/unblock

Reading
    GET /sandbox/users/{id}/chat[?since=SEQ&wait=S]
        -> {bot, user, started, blocked, seq, reply_keyboard, chat_action, commands,
            messages: [message], callback_answers: [callback]}
        with since and wait, waits up to S seconds until the chat's seq exceeds SEQ.
        message = {message_id, from_bot, sender_id, kind (text|document|photo|contact),
            date, text, caption, html (normalized), raw (as sent), parse_mode, entities,
            inline_keyboard: [[{text, callback_data, url}]], reply_keyboard, remove_keyboard,
            force_reply, document, photo: {file_id, file_name, mime_type, file_size, width,
            height, url}, contact, edited, edit_date, created_seq, updated_seq}
        Edits are applied in place; deleted messages are gone.
    GET /sandbox/users/{id}/callbacks   -> [callback]
    GET /sandbox/callbacks/{callback_query_id}[?wait=S]
        -> {id, user_id, message_id, data, answered, text, show_alert, url, pressed_at,
            answered_at}; waits up to S seconds for answerCallbackQuery
    GET /sandbox/files/{file_id}        -> the bytes (Content-Disposition with the name)

The emulator
    GET    /sandbox/health              -> {ok, bots}
    GET    /sandbox/bots                -> [{id, token, username, first_name, webhook_url,
                                             pending_updates, commands, menu_button,
                                             profile}]
    POST   /sandbox/reset               {full?} forget users, chats, updates, files, calls,
                                        faults; full also webhooks, commands and flood
                                        settings
    GET    /sandbox/flood               -> {enabled, per_chat_rate, per_chat_burst,
                                             global_rate, global_burst}
    PUT    /sandbox/flood               {some of those} -> the new settings
    GET    /sandbox/calls[?method=&since=SEQ&bot=]
                                        -> {calls: [{seq, at, bot_id, method, params,
                                             status, ok, description, retry_after}],
                                            last_seq}
    DELETE /sandbox/calls
    POST   /sandbox/faults              {method ("*" = any), error_code?, description?,
                                         retry_after?, times?, chat_id?}: the next
                                        matching Bot API calls fail that way
    GET    /sandbox/faults, DELETE /sandbox/faults
    POST   /sandbox/updates             {type, payload}: deliver a hand-made update
"""
