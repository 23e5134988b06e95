/**
 * A tiny given/when/then helper for deciders (after Emmett's DeciderSpecification):
 *
 *   spec.given(events).when(command).then(expectedEvents)
 *   spec.given(events).when(command, now).thenThrows(ErrorClass, optionalCheck)
 *   spec.given(events).when(command).thenNothing()
 *
 * `then` returns the state after the given and the produced events, for further assertions.
 */
import { DomainError } from '../errors';

interface DeciderLike<State, Command, Event> {
  decide(command: Command, state: State, now: Date): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;

export function deciderSpec<State, Command, Event>(decider: DeciderLike<State, Command, Event>, defaultNow: Date) {
  const fold = (events: readonly Event[]) => events.reduce(decider.evolve, decider.initialState());
  return {
    given(given: readonly Event[]) {
      return {
        when(command: Command, now: Date = defaultNow) {
          const run = () => decider.decide(command, fold(given), now);
          return {
            then(expected: readonly Event[]): State {
              const produced = run();
              expect(produced).toEqual(expected);
              return fold([...given, ...produced]);
            },
            thenNothing(): State {
              expect(run()).toEqual([]);
              return fold(given);
            },
            thenThrows<E extends Error>(errorClass: ErrorClass<E>, check?: (error: E) => void): E {
              let caught: unknown;
              try {
                run();
              } catch (error) {
                caught = error;
              }
              expect(caught).toBeInstanceOf(errorClass);
              if (caught instanceof DomainError) {
                expect(caught.code).toMatch(/^[a-z]+(-[a-z]+)*$/);
                expect(caught.message.length).toBeGreaterThan(10);
              }
              check?.(caught as E);
              return caught as E;
            },
          };
        },
      };
    },
  };
}
