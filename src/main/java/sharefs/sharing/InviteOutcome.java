package sharefs.sharing;

/** What happened to one invitee of a multi-invitee invite. */
public record InviteOutcome(String email, boolean invited, Long invitationId, String reason) {
}
