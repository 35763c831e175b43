/* t_uio.h - helpers shared by the RAM store tests (t_uio.c, t_uio2.c). */
#ifndef T_UIO_H
#define T_UIO_H

#include <v/uioclient.h>

int uio_ready(v_pid_t *server);              /* wait until [tmp1] resolves */
int uio_try(const char *name, uint32_t mode);  /* open and release: the open's result */
int uio_mkdir(const char *name);
int uio_child_main(void);                    /* `utest uio-open`: t_uio2.c */

#endif
