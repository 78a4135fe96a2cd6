import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';

/*
 * Ending this browser's own session (sign out, or revoking the current session on the sessions
 * page) is a 401 the app asked for. Until the next successful "who am I", a 401 from any request
 * must not be taken for an expired session: that would race the sign-out's own navigation
 * (the sign-in page would say "expired" and forms would keep drafts for a user who left).
 */
let endingOwnSession = false;

export function isEndingOwnSession(): boolean {
  return endingOwnSession;
}

/** Called once the server says who we are again (a new sign-in). */
export function ownSessionRestored(): void {
  endingOwnSession = false;
}

/**
 * A mutation that ends this browser's session with `end`, then shows the sign-in page with
 * "You have signed out." On the mutation rather than on mutate(), so the navigation happens even
 * if the dialog or button that asked is gone by the time the server answers.
 */
export function useEndOwnSession<Variables = void>(end: (variables: Variables) => Promise<unknown>) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: async (variables: Variables) => {
      endingOwnSession = true;
      // Nothing already asked may come back 401 and be read as an expiry.
      await queryClient.cancelQueries();
      try {
        await end(variables);
      } catch (error) {
        endingOwnSession = false;
        throw error;
      }
    },
    onSuccess: () => {
      // Emptied in the same turn as the navigation: the sign-in page asks "who am I" afresh
      // instead of finding the signed-in answer and sending the user back in.
      queryClient.removeQueries();
      navigate('/login?reason=signed-out', { replace: true });
    },
  });
}
