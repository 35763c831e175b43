/*
 * v/pm.h - the program manager protocol. Each node runs one program manager,
 * registered as V_LOGICAL_PM. It loads programs from the node's boot bundle.
 */
#ifndef V_PM_H
#define V_PM_H

enum v_pm_req {
    PM_RUN = 0x400,   /* seg R = "name arg1 arg2 ..." ; w0=priority (0 = default)
                         -> w0=pid of the new team's root process                    */
    PM_WAIT,          /* w0=pid: the reply comes when that team has ended
                         -> w0=exit status (V_PM_KILLED if destroyed, V_PM_FAULTED);
                         V_ENOMEM if 64 live waits are pending already               */
    PM_KILL,          /* w0=pid: destroys that team                                  */
    PM_EXIT,          /* sent by a program's exit path: w0=status (no reply needed)   */
    PM_LIST,          /* seg W <- names of the programs in the bundle, '\n' separated
                         -> w0=bytes                                                  */
};

#define V_PM_KILLED  (-1000)
#define V_PM_FAULTED (-1001)

#endif
